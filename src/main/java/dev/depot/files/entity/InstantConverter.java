package dev.depot.files.entity;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * Stores an {@link Instant} as a JDBC {@link Timestamp}. Jakarta Persistence 3.1 (Jakarta EE 10) does
 * not list {@code Instant} as a basic type: Hibernate maps it, but EclipseLink (Payara) serialises it
 * and PostgreSQL then refuses the bytes for a {@code TIMESTAMP WITH TIME ZONE} column. A timestamp is
 * the same instant on every provider and database.
 */
@Converter
public class InstantConverter implements AttributeConverter<Instant, Timestamp> {

  @Override
  public Timestamp convertToDatabaseColumn(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }

  @Override
  public Instant convertToEntityAttribute(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
