/**
 * Server-managed configuration. {@link dev.depot.config.DepotSettings} is the only class that reads it
 * (through MicroProfile Config, so server system properties and environment variables both work). It
 * must not hold HTTP or persistence code; callers get typed, validated values.
 */
package dev.depot.config;
