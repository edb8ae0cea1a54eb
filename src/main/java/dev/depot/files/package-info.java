/**
 * Stored files: taking uploads in (raw bodies and multipart, streamed part by part), writing them once
 * to the results filesystem, and recording their metadata. The boundary speaks HTTP and nothing else;
 * control holds the use cases, the storage engine and the path rules and knows nothing of HTTP; the
 * entity is the JPA record of one stored file.
 */
package dev.depot.files;
