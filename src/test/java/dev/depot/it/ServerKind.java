package dev.depot.it;

/**
 * Which server an in-container test is running in (it runs in the server's JVM), for the few HTTP
 * behaviours that differ between them and are pinned by tests as measured (README, "HTTP framing").
 */
public enum ServerKind {
  /** Payara (Micro or Server): Grizzly HTTP, Jersey. */
  PAYARA,
  /** WildFly: Undertow, RESTEasy. */
  WILDFLY;

  public static ServerKind current() {
    if (System.getProperty("jboss.home.dir") != null) {
      return WILDFLY;
    }
    if (System.getProperty("com.sun.aas.instanceRoot") != null) {
      return PAYARA;
    }
    throw new IllegalStateException("Neither Payara nor WildFly: measure this server's HTTP behaviour first.");
  }
}
