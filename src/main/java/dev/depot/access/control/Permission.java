package dev.depot.access.control;

/** What a grant lets a caller do with stored files, each named by the letter grants are written with. */
public enum Permission {
  /** {@code GET}, {@code HEAD}, listing and metadata. */
  READ('r'),
  /** Create and replace: {@code PUT}, multipart and seed uploads. */
  WRITE('w'),
  /** {@code DELETE}. */
  DELETE('d');

  private final char letter;

  Permission(char letter) {
    this.letter = letter;
  }

  public char letter() {
    return letter;
  }

  static Permission of(char letter) {
    for (Permission p : values()) {
      if (p.letter == letter) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown permission '" + letter + "' (use r, w, d)");
  }
}
