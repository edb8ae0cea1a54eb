package dev.depot.storage.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A results directory Depot stores files in, known by the id written once into its marker file. The
 * location is where it was last seen (a store may move: its marker travels with it).
 */
@Entity
@Table(name = "depot_store")
@NamedQuery(name = Store.ALL, query = "SELECT s FROM Store s ORDER BY s.created")
public class Store {

  public static final String ALL = "Store.all";

  @Id
  @Column(length = 36)
  private String id;

  @Column(nullable = false, length = 4096)
  private String location;

  @Column(nullable = false)
  private OffsetDateTime created;

  protected Store() {}

  public Store(String id, String location, Instant now) {
    this.id = id;
    this.location = location;
    this.created = now.atOffset(ZoneOffset.UTC);
  }

  public String getId() {
    return id;
  }

  public String getLocation() {
    return location;
  }

  public void moveTo(String location) {
    this.location = location;
  }

  public Instant getCreated() {
    return created.toInstant();
  }
}
