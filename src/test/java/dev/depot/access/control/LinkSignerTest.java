package dev.depot.access.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depot.access.control.LinkSigner.Link;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinkSignerTest {

  private static final String OLD_KEY = "old-key-0123456789abcdef0123456789abcdef";
  private static final String NEW_KEY = "new-key-0123456789abcdef0123456789abcdef";
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  private final LinkSigner cut = new LinkSigner(LinkSigner.parseKeys(NEW_KEY));
  private final Link link = new Link("PUT", "reports/2026/q1.pdf", NOW.plusSeconds(600), 10_485_760L, "alice");

  @Test
  void aSignedLinkVerifiesUntilItExpires() {
    String signature = cut.sign(link);

    assertEquals(43, signature.length(), "32 bytes, base64url without padding");
    assertTrue(signature.matches("[A-Za-z0-9_-]+"));
    assertTrue(cut.verify(link, signature, NOW));
    assertTrue(cut.verify(link, signature, link.expires()), "still valid at the expiry instant");
    assertFalse(cut.verify(link, signature, link.expires().plusSeconds(1)), "expired");
  }

  @Test
  void aLinkWithoutSizeLimitAndAUnicodePathRoundTrips() {
    Link get = new Link("GET", "données/über.txt", NOW.plusSeconds(60), null, "bob@example.org");

    assertTrue(cut.verify(get, cut.sign(get), NOW));
    assertFalse(cut.verify(new Link("GET", "données/über.txt", NOW.plusSeconds(60), 0L, "bob@example.org"), cut.sign(get), NOW), "no limit is not 0");
  }

  @Test
  void changingAnythingTheLinkGrantsBreaksTheSignature() {
    String signature = cut.sign(link);

    assertFalse(cut.verify(new Link("GET", link.path(), link.expires(), link.maxSize(), link.issuer()), signature, NOW), "method");
    assertFalse(cut.verify(new Link("PUT", "reports/2026/q2.pdf", link.expires(), link.maxSize(), link.issuer()), signature, NOW), "path");
    assertFalse(cut.verify(new Link("PUT", link.path(), link.expires().plusSeconds(3600), link.maxSize(), link.issuer()), signature, NOW), "expiry");
    assertFalse(cut.verify(new Link("PUT", link.path(), link.expires(), link.maxSize() + 1, link.issuer()), signature, NOW), "size");
    assertFalse(cut.verify(new Link("PUT", link.path(), link.expires(), null, link.issuer()), signature, NOW), "size removed");
    assertFalse(cut.verify(new Link("PUT", link.path(), link.expires(), link.maxSize(), "mallory"), signature, NOW), "issuer");
  }

  @Test
  void theOldKeyStillVerifiesWhileItIsListedSecond() {
    String signedWithOld = new LinkSigner(LinkSigner.parseKeys(OLD_KEY)).sign(link);

    LinkSigner rotated = new LinkSigner(LinkSigner.parseKeys(NEW_KEY + "," + OLD_KEY));
    assertTrue(rotated.verify(link, signedWithOld, NOW), "old key second in the list");
    assertEquals(cut.sign(link), rotated.sign(link), "the first key signs");
    assertNotEquals(signedWithOld, rotated.sign(link));

    LinkSigner retired = new LinkSigner(LinkSigner.parseKeys(NEW_KEY));
    assertFalse(retired.verify(link, signedWithOld, NOW), "old key removed");
  }

  @Test
  void refusesShortKeysNamingTheEntryButNotItsValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinkSigner.parseKeys(NEW_KEY + ",tooShortSecret"));

    assertTrue(e.getMessage().contains("link key 2"), e.getMessage());
    assertFalse(e.getMessage().contains("tooShortSecret"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LinkSigner.parseKeys("base64:" + Base64.getEncoder().encodeToString(new byte[31])));
    assertThrows(IllegalArgumentException.class, () -> LinkSigner.parseKeys(NEW_KEY + ","));
    assertThrows(IllegalArgumentException.class, () -> LinkSigner.parseKeys(" "));
    assertThrows(IllegalArgumentException.class, () -> LinkSigner.parseKeys(null));
    assertThrows(IllegalArgumentException.class, () -> new LinkSigner(List.of(new byte[16])));
    assertThrows(IllegalArgumentException.class, () -> new LinkSigner(List.of()));
    IllegalArgumentException notBase64 = assertThrows(IllegalArgumentException.class, () -> LinkSigner.parseKeys("base64:%%secret%%"));
    assertEquals("link key 1 is not valid base64", notBase64.getMessage());
  }

  @Test
  void readsBase64Keys() {
    byte[] random = new byte[32];
    for (int i = 0; i < random.length; i++) {
      random[i] = (byte) (i * 37 + 11);
    }
    List<byte[]> keys = LinkSigner.parseKeys(" base64:" + Base64.getEncoder().encodeToString(random) + " , " + NEW_KEY);

    assertArrayEquals(random, keys.get(0));
    assertArrayEquals(NEW_KEY.getBytes(StandardCharsets.UTF_8), keys.get(1));
    LinkSigner signer = new LinkSigner(keys);
    assertTrue(signer.verify(link, signer.sign(link), NOW));
    assertFalse(cut.verify(link, signer.sign(link), NOW), "a different key");
  }

  @Test
  void garbageSignaturesDoNotVerify() {
    String signature = cut.sign(link);
    String otherFirst = (signature.charAt(0) == 'A' ? "B" : "A") + signature.substring(1);
    // 32 bytes take 43 characters; the last one's two lowest bits are unused, and a lenient decoder ignores them
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    String otherSpelling = signature.substring(0, 42) + alphabet.charAt(alphabet.indexOf(signature.charAt(42)) + 1);
    assertArrayEquals(Base64.getUrlDecoder().decode(signature), Base64.getUrlDecoder().decode(otherSpelling), "the same bytes");

    String[] garbage = {null, "", "!!!not-base64!!!", "a", signature + "AAAA", signature.substring(1), otherFirst, otherSpelling, signature + "="};
    for (String wrong : garbage) {
      assertFalse(cut.verify(link, wrong, NOW), wrong);
    }
    String standardBase64 = signature.replace('-', '+').replace('_', '/');
    if (!standardBase64.equals(signature)) {
      assertFalse(cut.verify(link, standardBase64, NOW), "base64, not base64url");
    }
  }

  @Test
  void refusesToSignLinksWhoseFieldsCouldBleedIntoEachOther() {
    assertThrows(IllegalArgumentException.class, () -> cut.sign(new Link("PUT", "a\n100\n", NOW, null, "x")));
    assertThrows(IllegalArgumentException.class, () -> cut.sign(new Link("PUT", "a", NOW, null, "200\n\nx")));
    assertThrows(IllegalArgumentException.class, () -> cut.sign(new Link("get", "a", NOW, null, "x")), "method in upper case");
    assertThrows(IllegalArgumentException.class, () -> cut.sign(new Link("DELETE", "a", NOW, null, "x")));
    assertThrows(IllegalArgumentException.class, () -> cut.sign(new Link("PUT", "a", NOW, -1L, "x")));
    assertThrows(IllegalArgumentException.class, () -> cut.sign(new Link("PUT", null, NOW, null, "x")));
    assertFalse(cut.verify(new Link("PUT", "a\n100\n", NOW, null, "x"), cut.sign(link), NOW), "verify says no instead of throwing");
  }
}
