/**
 * The file API: taking uploads in (raw bodies and multipart, streamed part by part), downloads with
 * ranges and validators, listing, metadata and delete. The boundary speaks HTTP and nothing else;
 * control holds the use cases, which store and read through {@code dev.depot.storage}.
 */
package dev.depot.files;
