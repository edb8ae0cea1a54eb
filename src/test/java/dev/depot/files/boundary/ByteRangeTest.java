package dev.depot.files.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ByteRangeTest {

  @Test
  void closedOpenAndSuffixRangesResolve() {
    assertEquals(new ByteRange.Slice(0, 100, 1000), ByteRange.parse("bytes=0-99").resolve(1000));
    assertEquals(new ByteRange.Slice(900, 100, 1000), ByteRange.parse("bytes=900-").resolve(1000));
    assertEquals(new ByteRange.Slice(990, 10, 1000), ByteRange.parse("bytes=-10").resolve(1000));
    assertEquals("bytes 990-999/1000", ByteRange.parse("bytes=-10").resolve(1000).contentRange());
  }

  @Test
  void rangesPastTheEndAreClampedOrUnsatisfiable() {
    assertEquals(new ByteRange.Slice(500, 500, 1000), ByteRange.parse("bytes=500-5000").resolve(1000));
    assertEquals(new ByteRange.Slice(0, 1000, 1000), ByteRange.parse("bytes=-5000").resolve(1000));
    assertNull(ByteRange.parse("bytes=1000-").resolve(1000));
    assertNull(ByteRange.parse("bytes=1000-1001").resolve(1000));
    assertNull(ByteRange.parse("bytes=-0").resolve(1000));
  }

  @Test
  void whatDepotDoesNotServeIsIgnored() {
    assertNull(ByteRange.parse(null));
    assertNull(ByteRange.parse("items=0-1"));
    assertNull(ByteRange.parse("bytes=0-1,5-6"));
    assertNull(ByteRange.parse("bytes=5-1"));
    assertNull(ByteRange.parse("bytes=-"));
    assertNull(ByteRange.parse("bytes=a-b"));
    assertNull(ByteRange.parse("bytes=+1-2"));
    assertNull(ByteRange.parse("bytes=99999999999999999999-"));
  }

  @Test
  void unitAndSpacesAreLenient() {
    assertEquals(new ByteRange(1, 2, -1), ByteRange.parse(" Bytes= 1 - 2 "));
  }
}
