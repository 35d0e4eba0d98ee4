package org.mailward.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The doors of docs/architecture.md, enforced on the compiled main classes of every
 * module on relay-app's class path: the modules meet only through relay-api (no module
 * package uses another's), the SMTP state machine has no Netty in it, and relay-api
 * needs nothing but the JDK; relay-https, which portal and admin-api share, knows no module. relay-app itself is the one place allowed to know them all.
 */
class ArchitectureTest {
  static JavaClasses mailward;

  @BeforeAll
  static void importMainClasses() {
    // Each module arrives as its target/classes or its jar, whichever the build put on the class path.
    mailward = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("org.mailward");
  }

  @Test
  void everyModuleIsOnTheClassPathBeingChecked() {
    for (String pkg : new String[] {"org.mailward.api", "org.mailward.core.smtp", "org.mailward.delivery", "org.mailward.queue",
        "org.mailward.policy", "org.mailward.portal", "org.mailward.admin", "org.mailward.https"}) {
      assertThat(mailward.containPackage(pkg)).as(pkg).isTrue();
    }
  }

  @Test
  void modulesMeetOnlyThroughRelayApi() {
    ArchRule rule = slices().matching("org.mailward.(core|delivery|queue|policy|portal|admin)..").namingSlices("$1")
        .should().notDependOnEachOther()
        .because("modules meet only through relay-api ports; relay-app wires the concrete classes");
    rule.check(mailward);
  }

  @Test
  void theSmtpStateMachineHasNoNetty() {
    noClasses().that().resideInAPackage("org.mailward.core.smtp..")
        .should().dependOnClassesThat().resideInAPackage("io.netty..")
        .because("the SMTP session is a pure state machine; the Netty handler only adapts bytes to it")
        .check(mailward);
  }

  @Test
  void relayApiDependsOnNothingButTheJdk() {
    classes().that().resideInAPackage("org.mailward.api..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("org.mailward.api..", "java..", "javax.crypto..", "javax.security..", "javax.net..")
        .because("relay-api is the domain model and ports: no library at run time")
        .check(mailward);
  }

  @Test
  void theSharedHttpsSetUp_knowsNoModule() {
    noClasses().that().resideInAPackage("org.mailward.https..")
        .should().dependOnClassesThat().resideInAnyPackage("org.mailward.api..", "org.mailward.core..", "org.mailward.delivery..",
            "org.mailward.queue..", "org.mailward.policy..", "org.mailward.portal..", "org.mailward.admin..", "org.mailward.app..")
        .because("relay-https is the Jetty TLS set-up that portal and admin-api share: it sits below every module")
        .check(mailward);
  }

  @Test
  void theRules_catchAViolation_whenOneExists() {
    // relay-app knows every module, so the slices rule over it and a module must fail: the rule can see dependencies.
    EvaluationResult wiring = noClasses().that().resideInAPackage("org.mailward.app")
        .should().dependOnClassesThat().resideInAPackage("org.mailward.queue..").evaluate(mailward);
    assertThat(wiring.hasViolation()).isTrue();
  }
}
