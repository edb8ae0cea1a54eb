/** The JPA record of a stored file. Must not hold behaviour beyond its own consistency. */
package dev.depot.storage.entity;
