package dev.depot.files.boundary;

import jakarta.json.bind.annotation.JsonbNillable;
import java.util.List;

/**
 * One page of a listing: its files in path order, and the cursor of the next page ({@code null} on
 * the last page, written out so clients need not guess).
 */
@JsonbNillable
public record FileListJson(List<StoredFileJson> items, String next) {}
