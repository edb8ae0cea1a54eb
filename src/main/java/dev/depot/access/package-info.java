/**
 * Access: identities and roles, grants, signed links, which quota applies to whom and how many uploads
 * one caller may run at once, and the audit trail. It knows who is asking and what they may do, and
 * keeps the record of what was done and refused; it never reads or writes stored files (what a user
 * has stored is counted where uploads are admitted, in {@code files}). The features that serve files ({@code files}, later resumable
 * uploads) ask it about a request before they touch {@code dev.depot.storage}.
 */
package dev.depot.access;
