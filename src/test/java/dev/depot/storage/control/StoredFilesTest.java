package dev.depot.storage.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class StoredFilesTest {

  @Test
  void aDuplicatePathFromH2IsAUniqueViolationHoweverItIsWrapped() throws SQLException {
    SQLException duplicate;
    try (Connection db = DriverManager.getConnection("jdbc:h2:mem:unique-" + System.nanoTime());
        Statement sql = db.createStatement()) {
      sql.execute("CREATE TABLE stored_file (id VARCHAR(36) PRIMARY KEY, path VARCHAR(1024) NOT NULL,"
          + " CONSTRAINT uk_stored_file_path UNIQUE (path))");
      sql.execute("INSERT INTO stored_file VALUES ('1', 'a/b')");
      duplicate = assertThrows(SQLException.class, () -> sql.execute("INSERT INTO stored_file VALUES ('2', 'a/b')"));
    }

    assertTrue(StoredFiles.isUniqueViolation(duplicate));
    // EclipseLink and Hibernate wrap the driver's exception, sometimes twice
    assertTrue(StoredFiles.isUniqueViolation(new PersistenceException(new RuntimeException("flush", duplicate))));
  }

  @Test
  void aUniqueViolationChainedAsNextExceptionIsFound() {
    SQLException batch = new SQLException("batch failed", "25000");
    batch.setNextException(new SQLException("duplicate key value violates unique constraint", "23505"));

    assertTrue(StoredFiles.isUniqueViolation(new PersistenceException(batch)));
  }

  @Test
  void otherIntegrityViolationsAndOtherFailuresAreNot() {
    assertFalse(StoredFiles.isUniqueViolation(new SQLException("null value in column", "23502")));
    assertFalse(StoredFiles.isUniqueViolation(new PersistenceException("connection lost")));
    assertFalse(StoredFiles.isUniqueViolation(new IllegalStateException()));
  }
}
