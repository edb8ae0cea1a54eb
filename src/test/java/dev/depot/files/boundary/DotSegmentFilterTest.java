package dev.depot.files.boundary;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DotSegmentFilterTest {

  @Test
  void findsDotSegmentsPlainEncodedAndWithParameters() {
    for (String uri :
        new String[] {
          "/depot/api/files/../x",
          "/depot/api/files/a/./b",
          "/depot/api/files/%2e%2e/x",
          "/depot/api/files/%2E%2E/%2e%2e/x",
          "/depot/api/files/.%2E/x",
          "/depot/api/files/%2e",
          "/depot/api/files/..;jsessionid=1/x",
          "/depot/api/files/a/.."
        }) {
      assertTrue(DotSegmentFilter.hasDotSegment(uri), uri);
    }
  }

  @Test
  void letsOrdinaryNamesWithDotsThrough() {
    for (String uri :
        new String[] {
          "/depot/api/files/a.b",
          "/depot/api/files/.hidden/x",
          "/depot/api/files/a..b",
          "/depot/api/files/...",
          "/depot/api/files/%2e%2e%2e",
          "/depot/api/files/%252e%252e/x",
          "/depot/api/files/..%2fx",
          "/depot/api/files/x%2e",
          "/depot/api/upload"
        }) {
      assertFalse(DotSegmentFilter.hasDotSegment(uri), uri);
    }
  }
}
