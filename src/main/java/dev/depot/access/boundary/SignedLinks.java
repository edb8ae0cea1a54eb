package dev.depot.access.boundary;

import dev.depot.access.control.LinkSigner;
import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import jakarta.ws.rs.core.MultivaluedMap;
import java.time.Instant;

/** The query parameters a signed link carries, read back into the {@link LinkSigner.Link} they sign. */
public final class SignedLinks {

  public static final String EXPIRES = "depot-expires";
  public static final String MAX_SIZE = "depot-max-size";
  public static final String ISSUER = "depot-issuer";
  public static final String SIGNATURE = "depot-signature";

  private SignedLinks() {}

  static LinkSigner.Link fromQuery(String method, String path, MultivaluedMap<String, String> query) {
    String issuer = query.getFirst(ISSUER);
    String expires = query.getFirst(EXPIRES);
    String maxSize = query.getFirst(MAX_SIZE);
    if (issuer == null || issuer.isEmpty() || expires == null || !expires.matches("[0-9]{1,12}")
        || (maxSize != null && !maxSize.matches("[0-9]{1,19}"))) {
      throw new DepotException(Problem.INVALID_SIGNED_LINK, "The link is incomplete or altered.");
    }
    try {
      return new LinkSigner.Link(method, path, Instant.ofEpochSecond(Long.parseLong(expires)), maxSize == null ? null : Long.valueOf(maxSize), issuer);
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw new DepotException(Problem.INVALID_SIGNED_LINK, "The link is incomplete or altered.");
    }
  }
}
