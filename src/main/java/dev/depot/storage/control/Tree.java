package dev.depot.storage.control;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A store's directory tree, walked one segment at a time from an open directory and never through a
 * link: every open, create, rename and delete below the root is relative to an open directory ({@code
 * openat}, {@code renameat}, {@code unlinkat} through {@link SecureDirectoryStream}), so the name that
 * was checked is the name that is used. Swapping a parent directory for a symbolic link between a check
 * and a use (issue 11, item 8) cannot lead outside the root: the link is refused when it is met, and a
 * directory already open stays the one that was checked.
 *
 * <p>Java has no {@code mkdirat}: a missing directory is made in the store's temp directory (Depot's
 * own) and renamed into its parent with {@code renameat}. Because a rename onto an existing empty
 * directory replaces it, creations are serialised ({@link #CREATE}), and the removal of emptied
 * directories after a delete ({@link #DIRECTORIES}, exclusive) waits for every publish or removal that
 * may still move a file into or out of a directory it opened (shared).
 */
final class Tree implements AutoCloseable {

  /**
   * Shared by whoever holds a directory open to move a file into or out of it (a publish until it is
   * confirmed or undone, a removal likewise); exclusive for removing emptied directories. One per JVM,
   * like the filesystems it guards.
   */
  static final ReentrantReadWriteLock DIRECTORIES = new ReentrantReadWriteLock();

  /** Serialises directory creation, so one creator never replaces another's new, still empty directory. */
  private static final ReentrantLock CREATE = new ReentrantLock();

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  private final Path rootPath;
  private final SecureDirectoryStream<Path> root;

  private Tree(Path rootPath, SecureDirectoryStream<Path> root) {
    this.rootPath = rootPath;
    this.root = root;
  }

  /**
   * Opens the tree at {@code root} (a real path: the store resolves links in its own location once, when
   * it is attached).
   *
   * @throws IOException if it cannot be opened, or the platform has no secure directory streams
   */
  static Tree open(Path root) throws IOException {
    return new Tree(root, openDirectory(root));
  }

  /** Opens one directory as a secure stream (for a store's temp directory, Depot's own). */
  static SecureDirectoryStream<Path> openDirectory(Path dir) throws IOException {
    DirectoryStream<Path> stream = Files.newDirectoryStream(dir);
    if (!(stream instanceof SecureDirectoryStream<Path> secure)) {
      stream.close();
      throw new IOException("this platform has no secure directory streams (openat); Depot needs them");
    }
    return secure;
  }

  Path rootPath() {
    return rootPath;
  }

  SecureDirectoryStream<Path> root() {
    return root;
  }

  /** A directory of the tree, open, and where it is: the segments from the root. */
  record Dir(SecureDirectoryStream<Path> stream, List<String> segments) {}

  /**
   * The directory that holds {@code key}'s last segment, and that name: every directory on the way open.
   * {@link #close()} closes them (the root stays with the tree).
   */
  static final class Parent implements AutoCloseable {
    private final List<Dir> chain; // chain.get(0) is the root
    private final String name;
    private final List<Dir> created;

    private Parent(List<Dir> chain, String name, List<Dir> created) {
      this.chain = chain;
      this.name = name;
      this.created = created;
    }

    SecureDirectoryStream<Path> dir() {
      return chain.get(chain.size() - 1).stream();
    }

    String name() {
      return name;
    }

    /** Directories this lookup created, outermost first. */
    List<Dir> created() {
      return created;
    }

    /** The open directories from the root (index 0) to the parent. */
    List<Dir> chain() {
      return chain;
    }

    /** The attributes of the last segment itself (a link is not followed), or null if nothing is there. */
    BasicFileAttributes attributes() throws IOException {
      return Tree.attributes(dir(), name);
    }

    FileChannel open(Set<? extends OpenOption> options, FileAttribute<?>... attributes) throws IOException {
      return Tree.channel(dir(), name, options, attributes);
    }

    @Override
    public void close() {
      for (int i = chain.size() - 1; i > 0; i--) {
        closeQuietly(chain.get(i).stream());
      }
    }
  }

  /**
   * Walks to the parent of {@code key}, through existing directories only.
   *
   * @return empty if a directory on the way does not exist
   * @throws DepotException INVALID_PATH if the way goes through a link, PATH_CONFLICT if through a file
   */
  java.util.Optional<Parent> find(String key) throws IOException {
    return java.util.Optional.ofNullable(walk(key, null));
  }

  /**
   * Walks to the parent of {@code key}, making the directories that are missing (in {@code temp}, Depot's
   * own directory on the same filesystem, then renamed into place).
   */
  Parent make(String key, Temp temp) throws IOException {
    return walk(key, temp);
  }

  /** Depot's temp directory of this store, open: where new directories are born. */
  interface Temp {
    SecureDirectoryStream<Path> stream();

    /** A new, empty, private directory in the temp directory; returns its name there. */
    String newDirectory() throws IOException;
  }

  private Parent walk(String key, Temp temp) throws IOException {
    String[] segments = key.split("/");
    List<Dir> chain = new ArrayList<>();
    List<Dir> created = new ArrayList<>();
    chain.add(new Dir(root, List.of()));
    boolean done = false;
    try {
      SecureDirectoryStream<Path> current = root;
      List<String> at = new ArrayList<>();
      for (int i = 0; i < segments.length - 1; i++) {
        String segment = segments[i];
        at.add(segment);
        SecureDirectoryStream<Path> next = openDirectory(current, segment);
        if (next == null) {
          if (temp == null) {
            return null;
          }
          next = createDirectory(current, segment, temp);
          created.add(new Dir(next, List.copyOf(at)));
        }
        chain.add(new Dir(next, List.copyOf(at)));
        current = next;
      }
      done = true;
      return new Parent(chain, segments[segments.length - 1], created);
    } finally {
      if (!done) {
        for (int i = chain.size() - 1; i > 0; i--) {
          closeQuietly(chain.get(i).stream());
        }
      }
    }
  }

  /** The directory {@code name} in {@code dir}, or null if nothing is there. */
  private static SecureDirectoryStream<Path> openDirectory(SecureDirectoryStream<Path> dir, String name) throws IOException {
    try {
      return dir.newDirectoryStream(Path.of(name), NOFOLLOW);
    } catch (NoSuchFileException e) {
      return null;
    } catch (NotDirectoryException e) {
      throw new DepotException(Problem.PATH_CONFLICT, "A parent of the path is a file.", e);
    } catch (AccessDeniedException e) {
      throw e; // the server's own permissions: not the client's doing
    } catch (FileSystemException e) {
      // O_NOFOLLOW met a link: ELOOP. Decided by the open itself, not by looking again: the link may be
      // gone by now (swapped back), and it was there when it mattered.
      BasicFileAttributes attributes = attributes(dir, name);
      if (isLoop(e) || (attributes != null && attributes.isSymbolicLink())) {
        throw new DepotException(Problem.INVALID_PATH, "The path goes through a link.", e);
      }
      throw e;
    }
  }

  private static SecureDirectoryStream<Path> createDirectory(SecureDirectoryStream<Path> parent, String name, Temp temp)
      throws IOException {
    CREATE.lock();
    try {
      SecureDirectoryStream<Path> existing = openDirectory(parent, name); // made by another writer meanwhile?
      if (existing != null) {
        return existing;
      }
      if (attributes(parent, name) != null) { // a file or a link appeared: let the open say which
        openDirectory(parent, name);
        throw new DepotException(Problem.PATH_CONFLICT, "A parent of the path is a file.");
      }
      String born = temp.newDirectory();
      try {
        temp.stream().move(Path.of(born), parent, Path.of(name));
      } catch (IOException e) {
        try {
          temp.stream().deleteDirectory(Path.of(born));
        } catch (IOException ignored) {
          // the sweep removes it
        }
        if (changedUnderfoot(e, () -> attributes(parent, name) != null)) {
          throw new DepotException(Problem.INVALID_PATH, "The path changed while it was written.", e);
        }
        throw e;
      }
      SecureDirectoryStream<Path> made = openDirectory(parent, name);
      if (made == null) {
        // Depot removes directories only under the DIRECTORIES write lock, which every publish holds
        // shared: a directory gone (or no longer a directory) a moment after it was made was changed by
        // someone else under this request — the client's path changed, as above, not a storage failure
        // (a 500 seen once in ~1200 racing requests on WildFly, FilesResourceIT).
        throw new DepotException(Problem.INVALID_PATH, "The path changed while it was written.");
      }
      return made;
    } finally {
      CREATE.unlock();
    }
  }

  /** A check that may itself fail. */
  interface Check {
    boolean holds() throws IOException;
  }

  /**
   * Whether a rename into an open directory failed because someone else changed the tree meanwhile,
   * which makes it the client's path gone bad rather than the server's failure: the directory was
   * removed under it (ENOENT), or another entry took the name (a link or a file: ENOTDIR, EISDIR,
   * EEXIST). Not when the server's own permissions or filesystems are the cause.
   */
  static boolean changedUnderfoot(IOException e, Check nameTaken) throws IOException {
    if (e instanceof AccessDeniedException || e instanceof java.nio.file.AtomicMoveNotSupportedException) {
      return false;
    }
    if (e instanceof NoSuchFileException || e instanceof FileAlreadyExistsException
        || e instanceof java.nio.file.DirectoryNotEmptyException || e instanceof NotDirectoryException) {
      return true;
    }
    // rename(2)'s errors for a target that is not what it was: ENOTEMPTY, ENOTDIR, EISDIR (Java keeps
    // only strerror's text for them). The name may have changed again since, so a look now is a
    // fallback, not the test.
    String reason = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : "";
    return reason.contains("Directory not empty") || reason.contains("Not a directory") || reason.contains("Is a directory")
        || nameTaken.holds();
  }

  /** Whether {@code e} is ELOOP: an open with O_NOFOLLOW met a symbolic link. */
  static boolean isLoop(FileSystemException e) {
    String reason = e.getReason();
    return reason != null && reason.contains("symbolic link");
  }

  /** The attributes of {@code name} in {@code dir} itself (a link is not followed), or null if absent. */
  static BasicFileAttributes attributes(SecureDirectoryStream<Path> dir, String name) throws IOException {
    try {
      return dir.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, NOFOLLOW).readAttributes();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Opens {@code name} in {@code dir} as a file channel, never through a link. */
  static FileChannel channel(SecureDirectoryStream<Path> dir, String name, Set<? extends OpenOption> options, FileAttribute<?>... attributes)
      throws IOException {
    Set<OpenOption> withNoFollow = new java.util.HashSet<>(options);
    withNoFollow.add(NOFOLLOW);
    SeekableByteChannel channel = dir.newByteChannel(Path.of(name), withNoFollow, attributes);
    if (channel instanceof FileChannel file) {
      return file;
    }
    channel.close();
    throw new IOException("not a file channel: " + channel.getClass().getName());
  }

  /** Forces {@code dir} itself to disk (the directory entries in it: renames, new names). */
  static void fsync(SecureDirectoryStream<Path> dir) throws IOException {
    try (FileChannel self = channel(dir, ".", Set.of(StandardOpenOption.READ))) {
      self.force(true);
    }
  }

  /**
   * Removes the directories of {@code parent}'s chain that are empty, deepest first, up to (not
   * including) the root; stops at the first that is not empty. {@code rmdir} refuses a directory that
   * is not empty, so no file is lost; it holds {@link #DIRECTORIES} exclusively, so no publish or
   * removal that opened one of them is between opening it and moving its file.
   */
  static void removeEmpty(Parent parent) {
    if (DIRECTORIES.getReadHoldCount() > 0) {
      // This thread still has another publish or removal open (shared): taking the lock exclusively
      // would wait for itself. An empty directory left behind is harmless; the next removal there tidies it.
      return;
    }
    DIRECTORIES.writeLock().lock();
    try {
      removeEmptyLocked(parent);
    } finally {
      DIRECTORIES.writeLock().unlock();
    }
  }

  private static void removeEmptyLocked(Parent parent) {
    List<Dir> chain = parent.chain();
    for (int i = chain.size() - 1; i > 0; i--) {
      List<String> segments = chain.get(i).segments();
      try {
        chain.get(i - 1).stream().deleteDirectory(Path.of(segments.get(segments.size() - 1)));
      } catch (IOException e) { // not empty (DirectoryNotEmptyException), gone, or replaced: stop
        return;
      }
    }
  }

  static boolean exists(SecureDirectoryStream<Path> dir, String name) throws IOException {
    return attributes(dir, name) != null;
  }

  static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // a directory stream that fails to close holds nothing we need
    }
  }

  @Override
  public void close() {
    closeQuietly(root);
  }

  /** Whether {@code e} says a name exists already. */
  static boolean alreadyExists(IOException e) {
    return e instanceof FileAlreadyExistsException;
  }
}
