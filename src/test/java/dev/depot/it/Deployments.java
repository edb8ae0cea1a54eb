package dev.depot.it;

import java.io.File;
import java.net.URI;
import java.net.URL;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The one deployment every IT uses: the {@code depot.war} the build just packaged, imported as it is, so
 * the tests exercise the very bytes that ship (and that a WildFly run deploys too).
 */
public final class Deployments {

  private Deployments() {}

  public static WebArchive war() {
    String war = System.getProperty("depot.war", "target/depot.war");
    return ShrinkWrap.create(ZipImporter.class, "depot.war").importFrom(new File(war)).as(WebArchive.class);
  }

  /**
   * The deployment of an in-container test that talks HTTP to its own server: {@link #war()} with the
   * suite's client classes and the test users they sign in as.
   */
  public static WebArchive withTestClients(Class<?>... more) {
    return war().addClasses(Api.class, Api.Reply.class, Deployments.class, Users.class, Users.User.class, ItDirs.class, SystemProperties.class)
        .addClasses(more)
        .addAsResource("it-users.txt");
  }

  /**
   * Arquillian's URL of the deployment, pointed at loopback: the Payara Micro adapter reports the
   * machine's network address, and tests talk to 127.0.0.1 only.
   */
  public static URI loopback(URL deploymentUrl) {
    URI uri = URI.create(deploymentUrl.toString());
    return URI.create(uri.getScheme() + "://127.0.0.1:" + uri.getPort() + uri.getPath());
  }
}
