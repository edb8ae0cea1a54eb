/**
 * The MicroProfile Health checks. They only translate the control layer's reports into health
 * answers; they touch neither {@code java.nio.file} nor JDBC.
 */
package dev.depot.health.boundary;
