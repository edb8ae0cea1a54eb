package dev.depot.storage.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings the database schema to the version this build expects, with Flyway, when Depot is deployed
 * and before any upload is recorded: the tables are created by the versioned scripts in {@code
 * db/depot} (H2 and PostgreSQL alike), never by JPA DDL generation.
 *
 * <p>The data source is the server's default ({@code java:comp/DefaultDataSource}), the same one the
 * persistence unit uses, so pointing the server's default at PostgreSQL moves both. A failure (the
 * database is down at deploy time) does not fail the deployment: it is logged, the readiness check
 * reports it, and every readiness check tries again until the schema is current. Flyway runs outside
 * any JTA transaction: it commits each migration itself.
 */
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SchemaMigrations {

  /** Where the migration scripts live in the WAR. */
  static final String LOCATION = "classpath:db/depot";

  /** Depot's own history table, so that it cannot meet another application's Flyway history. */
  static final String HISTORY_TABLE = "depot_schema_history";

  private static final Logger LOG = Logger.getLogger(SchemaMigrations.class.getName());

  @Resource(lookup = "java:comp/DefaultDataSource")
  DataSource dataSource;

  private String version;
  private String failure;

  /** The schema as Depot last saw it: its version, or why it could not be migrated. */
  public record Status(Optional<String> version, Optional<String> failure) {
    public boolean current() {
      return failure.isEmpty() && version.isPresent();
    }
  }

  @PostConstruct
  void atDeployment() {
    migrate();
  }

  /** Migrates if the last attempt failed (or never ran); cheap once the schema is current. */
  @Lock(LockType.WRITE)
  public Status migrate() {
    if (version != null && failure == null) {
      return status();
    }
    try {
      Flyway flyway = flyway();
      MigrateResult result = flyway.migrate();
      MigrationInfo current = flyway.info().current();
      version = current == null ? "none" : current.getVersion().getVersion();
      failure = null;
      LOG.info(() -> "Depot schema is at version " + version + " (" + result.migrationsExecuted + " migration(s) applied now, database "
          + result.databaseType + ")");
    } catch (RuntimeException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (!reason.equals(failure)) {
        LOG.log(Level.SEVERE, "Depot could not migrate its database schema; uploads will fail until it can", e);
      }
      failure = reason;
    }
    return status();
  }

  @Lock(LockType.READ)
  public Status status() {
    return new Status(Optional.ofNullable(version), Optional.ofNullable(failure));
  }

  private Flyway flyway() {
    return Flyway.configure(SchemaMigrations.class.getClassLoader())
        .dataSource(dataSource)
        .locations(LOCATION)
        .table(HISTORY_TABLE)
        // A schema that already holds other tables (a shared default database) gets a baseline below
        // version 1, so Depot's own migrations still run on it.
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load();
  }
}
