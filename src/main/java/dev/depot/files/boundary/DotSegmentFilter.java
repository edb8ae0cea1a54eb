package dev.depot.files.boundary;

import dev.depot.problem.Problem;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Refuses, with Depot's {@code INVALID_PATH} problem, every request whose path as sent has a
 * dot-segment: {@code .} or {@code ..}, also percent-encoded ({@code %2e%2e}) or with a path parameter
 * ({@code ..;x}). Servers resolve such segments before they route a request, each its own way, so the
 * resources (whose {@code StoragePaths} would refuse the path) may never see it: Undertow (WildFly)
 * turns {@code PUT /depot/api/files/%2E%2E/%2e%2e/x} into {@code /depot/x} and answers from the default
 * servlet with a 405 page. Looking at the raw request URI, before routing, gives Depot's own answer on
 * every server. (Segments that climb above {@code /depot} never reach Depot: those are the server's to
 * refuse.) No legitimate client sends dot-segments (RFC 3986 clients remove them), and no stored path
 * can contain one.
 */
@WebFilter(filterName = "DotSegmentFilter", urlPatterns = "/*", asyncSupported = true)
public class DotSegmentFilter extends HttpFilter {

  private static final long serialVersionUID = 1L;

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String uri = request.getRequestURI();
    if (!hasDotSegment(uri)) {
      chain.doFilter(request, response);
      return;
    }
    response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
    response.setContentType(ProblemMapper.PROBLEM_JSON);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.getWriter()
        .write(ProblemMapper.body(Problem.INVALID_PATH, "The path may not contain '.' or '..' segments or look-alikes.", uri));
  }

  /** Whether a raw (not decoded) URI path has a {@code .} or {@code ..} segment, encoded or not. */
  static boolean hasDotSegment(String rawPath) {
    if (rawPath == null) {
      return false;
    }
    for (String segment : rawPath.split("/", -1)) {
      int parameters = segment.indexOf(';');
      String name = (parameters < 0 ? segment : segment.substring(0, parameters)).toLowerCase(Locale.ROOT).replace("%2e", ".");
      if (name.equals(".") || name.equals("..")) {
        return true;
      }
    }
    return false;
  }
}
