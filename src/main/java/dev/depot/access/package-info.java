/**
 * Access: identities and roles, grants, signed links. It knows who is asking and what they may do; it
 * never reads or writes stored files. The features that serve files ({@code files}, later resumable
 * uploads) ask it about a request before they touch {@code dev.depot.storage}.
 */
package dev.depot.access;
