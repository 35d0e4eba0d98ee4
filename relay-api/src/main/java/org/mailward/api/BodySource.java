package org.mailward.api;

import java.io.IOException;
import java.io.InputStream;

/** A spooled body, decrypted on the fly. May be opened many times; each stream must be closed. */
public interface BodySource {
  InputStream open() throws IOException;

  /** Size in bytes of the body as received. */
  long size();
}
