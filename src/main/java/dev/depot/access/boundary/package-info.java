/**
 * HTTP side of access: the filter that establishes the caller of every API request before any resource
 * runs (signed link, bearer token, Basic against the server's realm, browser session) and refuses
 * cross-site writes, the realm login, the browser session endpoint {@code /session}, and the admins'
 * view of the audit trail, {@code /audit}. It decides who is asking, never what they may do (that is
 * {@code AccessPolicy}), and touches no stored file.
 */
package dev.depot.access.boundary;
