// Where in a message its PHI sits.
package org.mailward.bench.phi;

enum Location {
  SUBJECT, BODY, ATTACHMENT
}
