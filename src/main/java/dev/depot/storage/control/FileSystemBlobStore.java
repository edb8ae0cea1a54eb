package dev.depot.storage.control;

import dev.depot.problem.DepotException;
import dev.depot.problem.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link BlobStore} on a local filesystem: a key is a relative path under the store's root.
 *
 * <p>Staging writes to an owner-only (0600) file in the store's temp directory, which by default lives
 * inside the root so that publishing is a real {@code rename(2)}: readers see the old file or the new
 * one, never a partial one. Replacing keeps a hard link to the old file until the caller confirms, so a
 * failed metadata commit can put it back. Every step below the root goes through {@link Tree}: opened
 * relative to an open directory, links never followed. When {@code fsync} is on, the file, the directory
 * it is renamed into and every directory made for it are forced to disk before a publish returns, and a
 * failure of any of them fails the publish (issue 11, item 4): an answer of 201 means durable.
 */
public final class FileSystemBlobStore implements BlobStore {

  private static final Logger LOG = Logger.getLogger(FileSystemBlobStore.class.getName());

  /** Buffer for reading stored files again (digests). */
  static final int BUFFER_SIZE = DigestingCopy.BUFFER_SIZE;

  /** Forces a file or a directory to disk; tests swap it to make fsync fail. */
  interface Syncer {
    void force(FileChannel channel, boolean directory) throws IOException;
  }

  static final Syncer FORCE = (channel, directory) -> channel.force(true);

  private final Stores.Attachment store;
  private final boolean fsync;
  private final Syncer syncer;

  public FileSystemBlobStore(Stores.Attachment store, boolean fsync) {
    this(store, fsync, FORCE);
  }

  FileSystemBlobStore(Stores.Attachment store, boolean fsync, Syncer syncer) {
    this.store = store;
    this.fsync = fsync;
    this.syncer = syncer;
  }

  @Override
  public String id() {
    return store.id();
  }

  /** The store this writes to: its root and temp directories (for space admission). */
  public Stores.Attachment attachment() {
    return store;
  }

  /** The partial files of resumable uploads in this store's temp directory. */
  public PartialFiles partials() {
    return new PartialFiles(this, store.temp(), fsync, syncer);
  }

  /**
   * Reads all of {@code content} again and returns its SHA-256: for a download whose row's fingerprint
   * does not match the file, before a byte is sent.
   */
  public static String sha256Of(Content content) {
    if (!(content instanceof FileContent file)) {
      throw new IllegalArgumentException("not a file store's content");
    }
    try {
      return Recovery.sha256(file.channel());
    } catch (IOException e) {
      throw new DepotException(Problem.STORAGE_FAILURE, "The server could not read the stored file.", e);
    }
  }

  @Override
  public StagedBlob stage(InputStream source, long maxBytes, List<MessageDigest> also) throws IOException {
    String name = Staging.name(Staging.UPLOAD);
    Path file = store.temp().resolve(name);
    boolean done = false;
    SecureDirectoryStream<Path> temp = null;
    FileChannel out = null;
    try {
      temp = temp();
      out = create(temp, name);
      DigestingCopy.Result copied = DigestingCopy.copy(source, out, maxBytes, also, fsync);
      if (fsync) {
        syncer.force(out, false); // what the background flushes left: the tail, and the file's metadata
      }
      out.close();
      BasicFileAttributes attributes = Tree.attributes(temp, name);
      done = true;
      return new StagedBlob(file, name, copied.size(), HexFormat.of().formatHex(copied.sha256()), mtimeNs(attributes));
    } catch (DigestingCopy.SourceFailure e) {
      throw e.getCause();
    } catch (IOException e) {
      throw storageFailure(e);
    } finally {
      if (out != null) {
        Tree.closeQuietly(out);
      }
      if (temp != null) {
        if (!done) {
          deleteQuietly(temp, name);
        }
        Tree.closeQuietly(temp);
      }
    }
  }

  @Override
  public void checkWritable(String key) {
    checkNotReserved(key);
    try (Tree tree = Tree.open(store.root())) {
      Optional<Tree.Parent> parent = tree.find(key);
      if (parent.isPresent()) {
        try (Tree.Parent p = parent.get()) {
          checkTarget(p.attributes());
        }
      }
    } catch (IOException e) {
      throw storageFailure(e);
    }
  }

  @Override
  public Publication publish(StagedBlob blob, String key) {
    checkNotReserved(key);
    Tree tree = null;
    SecureDirectoryStream<Path> temp = null;
    Tree.Parent parent = null;
    boolean handedOver = false;
    // Shared with other publishers, exclusive against the removal of emptied directories: the directories
    // opened here stay until the rename into them is confirmed or undone.
    Tree.DIRECTORIES.readLock().lock();
    try {
      tree = Tree.open(store.root());
      temp = temp();
      SecureDirectoryStream<Path> t = temp;
      parent = tree.make(key, new Tree.Temp() {
        @Override
        public SecureDirectoryStream<Path> stream() {
          return t;
        }

        @Override
        public String newDirectory() throws IOException {
          String name = Staging.name(Staging.DIRECTORY);
          Files.createDirectory(store.temp().resolve(name));
          return name;
        }
      });
      BasicFileAttributes existing = parent.attributes();
      checkTarget(existing);
      String backup = null;
      if (existing != null) {
        backup = linkAside(temp, parent, key, existing);
      }
      try {
        temp.move(java.nio.file.Path.of(blob.name()), parent.dir(), java.nio.file.Path.of(parent.name()));
      } catch (IOException e) {
        if (backup != null) {
          deleteQuietly(temp, backup);
        }
        Tree.Parent p = parent;
        if (Files.exists(blob.file()) && Tree.changedUnderfoot(e, () -> { // the staged file is still ours
          BasicFileAttributes now = p.attributes();
          return now != null && !now.isRegularFile();
        })) {
          throw new DepotException(Problem.INVALID_PATH, "The path changed while it was written.", e);
        }
        throw e;
      }
      FilePublication publication = new FilePublication(tree, temp, parent, backup);
      handedOver = true;
      if (fsync) {
        try {
          forceDirectories(parent);
        } catch (IOException e) {
          publication.rollback();
          throw new DepotException(Problem.STORAGE_FAILURE, "The server could not store the upload durably.", logged(e));
        }
      }
      return publication;
    } catch (AtomicMoveNotSupportedException e) {
      LOG.log(Level.SEVERE, "depot.temp-dir and depot.results-dir are on different filesystems", e);
      throw new DepotException(Problem.STORAGE_FAILURE, "The server's storage is misconfigured.", e);
    } catch (IOException e) {
      throw storageFailure(e);
    } finally {
      if (!handedOver) {
        Tree.DIRECTORIES.readLock().unlock();
        if (parent != null) {
          removeEmpty(parent); // directories made for this publish, if any
          parent.close();
        }
        if (temp != null) {
          Tree.closeQuietly(temp);
        }
        if (tree != null) {
          tree.close();
        }
      }
    }
  }

  @Override
  public Optional<Content> open(String key) {
    try (Tree tree = Tree.open(store.root())) {
      Optional<Tree.Parent> found = tree.find(key);
      if (found.isEmpty()) {
        return Optional.empty();
      }
      try (Tree.Parent parent = found.get()) {
        FileChannel channel;
        try {
          channel = parent.open(Set.of(StandardOpenOption.READ));
        } catch (NoSuchFileException e) {
          return Optional.empty();
        }
        try {
          BasicFileAttributes attributes = parent.attributes();
          if (attributes == null || !attributes.isRegularFile()) {
            channel.close();
            return Optional.empty();
          }
          return Optional.of(new FileContent(channel, channel.size(), mtimeNs(attributes)));
        } catch (IOException | RuntimeException e) {
          channel.close();
          throw e;
        }
      }
    } catch (DepotException e) {
      if (e.is(Problem.PATH_CONFLICT)) {
        return Optional.empty(); // a file where a directory should be: nothing is stored under this key
      }
      throw e;
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().contains("NOFOLLOW_LINKS")
          || e instanceof java.nio.file.FileSystemException fse && Tree.isLoop(fse)) {
        return Optional.empty(); // a link where the file should be: it is not a stored file
      }
      LOG.log(Level.SEVERE, "Storage I/O failure", e);
      throw new DepotException(Problem.STORAGE_FAILURE, "The server could not read the stored file.", e);
    }
  }

  @Override
  public Optional<Removal> remove(String key) {
    Tree tree = null;
    SecureDirectoryStream<Path> temp = null;
    Tree.Parent parent = null;
    boolean handedOver = false;
    Tree.DIRECTORIES.readLock().lock();
    try {
      tree = Tree.open(store.root());
      Optional<Tree.Parent> found = tree.find(key);
      if (found.isEmpty()) {
        return Optional.empty();
      }
      parent = found.get();
      BasicFileAttributes attributes = parent.attributes();
      if (attributes == null || !attributes.isRegularFile()) {
        return Optional.empty();
      }
      temp = temp();
      String aside = Staging.name(Staging.REMOVED);
      // A rename, not a delete: readers that opened the file keep reading it, and a failed metadata
      // commit can put it back.
      parent.dir().move(java.nio.file.Path.of(parent.name()), temp, java.nio.file.Path.of(aside));
      FileRemoval removal = new FileRemoval(tree, temp, parent, aside);
      handedOver = true;
      if (fsync) {
        try {
          force(parent.dir());
        } catch (IOException e) {
          removal.rollback();
          throw new DepotException(Problem.STORAGE_FAILURE, "The server could not remove the stored file durably.", logged(e));
        }
      }
      return Optional.of(removal);
    } catch (DepotException e) {
      if (e.is(Problem.PATH_CONFLICT)) {
        return Optional.empty();
      }
      throw e;
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.log(Level.SEVERE, "Storage I/O failure", e);
      throw new DepotException(Problem.STORAGE_FAILURE, "The server could not remove the stored file.", e);
    } finally {
      if (!handedOver) {
        Tree.DIRECTORIES.readLock().unlock();
        if (parent != null) {
          parent.close();
        }
        if (temp != null) {
          Tree.closeQuietly(temp);
        }
        if (tree != null) {
          tree.close();
        }
      }
    }
  }

  /** Keys that can never be stored: Depot's own names at the top, and the temp directory if it is inside. */
  void checkNotReserved(String key) {
    int slash = key.indexOf('/');
    String first = slash < 0 ? key : key.substring(0, slash);
    boolean inTemp = store.tempInRoot().map(t -> key.equals(t) || key.startsWith(t + "/")).orElse(false);
    if (first.startsWith(StoreMarker.RESERVED_PREFIX) || inTemp) {
      throw new DepotException(Problem.INVALID_PATH, "The path is reserved.");
    }
  }

  private static void checkTarget(BasicFileAttributes existing) {
    if (existing == null || existing.isRegularFile()) {
      return;
    }
    if (existing.isSymbolicLink()) {
      throw new DepotException(Problem.INVALID_PATH, "The path goes through a link.");
    }
    throw new DepotException(Problem.PATH_CONFLICT, existing.isDirectory() ? "The path is a directory." : "The path is taken by something that is not a file.");
  }

  /**
   * A hard link to the file being replaced, in the temp directory, so a failed commit can put it back.
   * Java has no {@code linkat}: the link is made by path, then checked to be the very file the open
   * parent holds (same file key); if the path led elsewhere meanwhile, it is undone and the write
   * refused.
   */
  private String linkAside(SecureDirectoryStream<Path> temp, Tree.Parent parent, String key, BasicFileAttributes existing)
      throws IOException {
    String backup = Staging.name(Staging.REPLACED);
    try {
      Files.createLink(store.temp().resolve(backup), store.root().resolve(key));
    } catch (NoSuchFileException e) {
      throw new DepotException(Problem.INVALID_PATH, "The path changed while it was written.", e);
    }
    BasicFileAttributes linked = Tree.attributes(temp, backup);
    if (linked == null || existing.fileKey() == null || !existing.fileKey().equals(linked.fileKey())) {
      deleteQuietly(temp, backup);
      throw new DepotException(Problem.INVALID_PATH, "The path changed while it was written.");
    }
    return backup;
  }

  /** The parent the file was renamed into, and the parent of every directory made for it, to disk. */
  private void forceDirectories(Tree.Parent parent) throws IOException {
    if (!store.directoryFsync()) {
      return;
    }
    force(parent.dir());
    java.util.List<Tree.Dir> chain = parent.chain();
    for (Tree.Dir made : parent.created()) {
      int at = made.segments().size(); // chain index of the made directory; its parent is one before
      force(chain.get(at - 1).stream());
    }
  }

  private void force(SecureDirectoryStream<Path> dir) throws IOException {
    if (!store.directoryFsync()) {
      return;
    }
    try (FileChannel self = Tree.channel(dir, ".", Set.of(StandardOpenOption.READ))) {
      syncer.force(self, true);
    }
  }

  private SecureDirectoryStream<Path> temp() throws IOException {
    return Tree.openDirectory(store.temp());
  }

  private static FileChannel create(SecureDirectoryStream<Path> dir, String name) throws IOException {
    try {
      return Tree.channel(dir, name, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (IOException e) {
      throw storageFailure(e);
    }
  }

  private static void removeEmpty(Tree.Parent parent) {
    if (!parent.created().isEmpty()) {
      Tree.removeEmpty(parent);
    }
  }

  static long mtimeNs(BasicFileAttributes attributes) {
    if (attributes == null) {
      return 0;
    }
    java.time.Instant t = attributes.lastModifiedTime().toInstant();
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static IOException logged(IOException e) {
    LOG.log(Level.SEVERE, "fsync failed; nothing was published", e);
    return e;
  }

  /** ENOSPC and EDQUOT are the client-visible "no room" case (507); anything else is ours (500). */
  static RuntimeException storageFailure(IOException e) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
      return new DepotException(Problem.INSUFFICIENT_STORAGE, "The server has no room left to store this upload.", e);
    }
    LOG.log(Level.SEVERE, "Storage I/O failure", e);
    return new DepotException(Problem.STORAGE_FAILURE, "The server could not store the upload.", e);
  }

  /** A new SHA-256 digest (every Java platform has one). */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Could not delete " + file, e);
    }
  }

  static void deleteQuietly(SecureDirectoryStream<Path> dir, String name) {
    try {
      dir.deleteFile(java.nio.file.Path.of(name));
    } catch (NoSuchFileException e) {
      // already gone
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Could not delete " + name, e);
    }
  }

  /**
   * A publish that is not final yet: the directories it went through stay open (and, with {@link
   * Tree#DIRECTORIES} held shared, in place) until it is confirmed or undone.
   */
  private final class FilePublication implements Publication {
    private final Tree tree;
    private final SecureDirectoryStream<Path> temp;
    private final Tree.Parent parent;
    private final String backup;
    private boolean done;

    FilePublication(Tree tree, SecureDirectoryStream<Path> temp, Tree.Parent parent, String backup) {
      this.tree = tree;
      this.temp = temp;
      this.parent = parent;
      this.backup = backup;
    }

    @Override
    public boolean replaced() {
      return backup != null;
    }

    @Override
    public void confirm() {
      if (done) {
        return;
      }
      if (backup != null) {
        deleteQuietly(temp, backup);
      }
      finish(false);
    }

    @Override
    public void rollback() {
      if (done) {
        return;
      }
      boolean emptied = false;
      try {
        if (backup != null) {
          temp.move(java.nio.file.Path.of(backup), parent.dir(), java.nio.file.Path.of(parent.name()));
        } else {
          parent.dir().deleteFile(java.nio.file.Path.of(parent.name()));
          emptied = true;
        }
        if (fsync) {
          force(parent.dir());
        }
      } catch (IOException e) {
        LOG.log(Level.SEVERE, "Could not fully undo the publish of " + parent.name() + (backup != null ? "; the previous version is " + backup : ""), e);
      }
      finish(emptied);
    }

    private void finish(boolean removeEmptied) {
      done = true;
      Tree.DIRECTORIES.readLock().unlock();
      if (removeEmptied) {
        Tree.removeEmpty(parent); // the directories this publish made, if any
      }
      parent.close();
      Tree.closeQuietly(temp);
      tree.close();
    }
  }

  /**
   * A removal by rename into the temp directory: it can be put back until the caller confirms, and
   * readers that had the file open finish. Confirming also removes the directories the removal left
   * empty (up to, not including, the root): a deleted file leaves no trace, and its directory's path can
   * later hold a file.
   */
  private final class FileRemoval implements Removal {
    private final Tree tree;
    private final SecureDirectoryStream<Path> temp;
    private final Tree.Parent parent;
    private final String aside;
    private boolean done;

    FileRemoval(Tree tree, SecureDirectoryStream<Path> temp, Tree.Parent parent, String aside) {
      this.tree = tree;
      this.temp = temp;
      this.parent = parent;
      this.aside = aside;
    }

    @Override
    public void confirm() {
      if (done) {
        return;
      }
      deleteQuietly(temp, aside);
      finish(true);
    }

    @Override
    public void rollback() {
      if (done) {
        return;
      }
      try {
        // The directory is still in place: it was held open and DIRECTORIES shared since the removal.
        temp.move(java.nio.file.Path.of(aside), parent.dir(), java.nio.file.Path.of(parent.name()));
        if (fsync) {
          force(parent.dir());
        }
      } catch (IOException e) {
        LOG.log(Level.SEVERE, "Could not undo the removal of " + parent.name() + "; its bytes are in " + aside, e);
      }
      finish(false);
    }

    private void finish(boolean removeEmptied) {
      done = true;
      Tree.DIRECTORIES.readLock().unlock();
      if (removeEmptied) {
        Tree.removeEmpty(parent);
      }
      parent.close();
      Tree.closeQuietly(temp);
      tree.close();
    }
  }
}
