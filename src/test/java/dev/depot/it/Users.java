package dev.depot.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.io.InputStream;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The realm users every test server has (src/test/resources/it-users.txt, created by it-users.sh):
 * {@link #WRITER} (depot-writer), {@link #READER}, {@link #ADMIN}, and {@link #ALICE} (team-a) and
 * {@link #BOB} (team-b), who hold no Depot role.
 */
public final class Users {

  public static final String WRITER = "it-writer";
  public static final String READER = "it-reader";
  public static final String ADMIN = "it-admin";
  public static final String ALICE = "alice";
  public static final String BOB = "bob";

  /** One user: name, password, groups. */
  public record User(String name, String password, List<String> groups) {
    /** The value of an {@code Authorization: Basic} header for this user. */
    public String basic() {
      return "Basic " + Base64.getEncoder().encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code name:password}, for curl's {@code -u}. */
    public String colonPair() {
      return name + ":" + password;
    }
  }

  private static final Map<String, User> USERS = load();

  /** The header line raw-socket requests send: {@link #WRITER}'s Basic credentials, CRLF-terminated. */
  public static final String WRITER_AUTH_LINE = "Authorization: " + get(WRITER).basic() + "\r\n";

  private Users() {}

  public static User get(String name) {
    User user = USERS.get(name);
    if (user == null) {
      throw new IllegalArgumentException("no test user " + name + " in it-users.txt");
    }
    return user;
  }

  /**
   * From the test classpath (src/test/resources), also inside the server for in-container tests, whose
   * deployments add the file ({@link Deployments#withTestClients}).
   */
  private static Map<String, User> load() {
    Map<String, User> users = new LinkedHashMap<>();
    try (InputStream in = Users.class.getResourceAsStream("/it-users.txt")) {
      if (in == null) {
        throw new IllegalStateException("it-users.txt is not on the classpath");
      }
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        String[] words = trimmed.split("\\s+");
        users.put(words[0], new User(words[0], words[1], List.of(words[2].split(","))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return users;
  }
}
