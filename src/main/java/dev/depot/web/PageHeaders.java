package dev.depot.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Security headers on every file of the page (everything outside {@code /api/}, which sets its own):
 *
 * <ul>
 *   <li>{@code Content-Security-Policy}: scripts, styles and connections from Depot's origin only, no
 *       inline script or style, no plugins, no {@code <base>}, forms post only to Depot, and {@code
 *       frame-ancestors 'none'} so no other site can frame the page (clickjacking on Delete);
 *       {@code X-Frame-Options: DENY} says the same to browsers that predate CSP 2.
 *   <li>{@code X-Content-Type-Options: nosniff}: a script is run only if served as one.
 *   <li>{@code Referrer-Policy: no-referrer}: the page shows signed links, whose signature must not
 *       leak to another site in a {@code Referer}.
 *   <li>{@code Cache-Control: no-cache}: the page and its scripts are revalidated, so a redeployed
 *       WAR's page never runs against an old script.
 * </ul>
 */
@WebFilter(filterName = "PageHeaders", urlPatterns = "/*", asyncSupported = true)
public class PageHeaders extends HttpFilter {

  private static final long serialVersionUID = 1L;

  /** The page's policy; {@code img-src data:} is for its empty icon ({@code <link rel=icon href="data:,">}) only. */
  static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
      + " connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'";

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!isApi(request)) {
      response.setHeader("Content-Security-Policy", POLICY);
      response.setHeader("X-Content-Type-Options", "nosniff");
      response.setHeader("X-Frame-Options", "DENY");
      response.setHeader("Referrer-Policy", "no-referrer");
      response.setHeader("Cache-Control", "no-cache");
    }
    chain.doFilter(request, response);
  }

  /**
   * Whether the container maps the request to the API (the JAX-RS servlet at {@code /api/*}), by the
   * mapping it made rather than the raw URI, so that no spelling of a page's URL ({@code
   * /api/..;/index.html}) gets the page without its headers.
   */
  static boolean isApi(HttpServletRequest request) {
    String servletPath = request.getServletPath();
    return servletPath.equals("/api") || servletPath.startsWith("/api/");
  }
}
