package dev.depot.files.boundary;

import jakarta.json.bind.annotation.JsonbNillable;
import java.util.List;

/**
 * One page of a listing by directory ({@code delimiter=/}): the directories below the prefix (each
 * {@code "prefix/name/"}), the files right below it, and the next page's cursor ({@code null} on the
 * last page). Directories and files together make up the page's {@code limit}.
 */
@JsonbNillable
public record DirectoryListJson(List<String> directories, List<StoredFileJson> items, String next) {}
