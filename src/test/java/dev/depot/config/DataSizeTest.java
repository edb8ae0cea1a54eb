package dev.depot.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DataSizeTest {

  @Test
  void readsBytesAndBinaryAndDecimalUnits() {
    assertEquals(1048576, DataSize.parse("1048576"));
    assertEquals(512, DataSize.parse("512B"));
    assertEquals(16L << 30, DataSize.parse("16GiB"));
    assertEquals(512L << 20, DataSize.parse(" 512 mib "));
    assertEquals(10_000_000, DataSize.parse("10MB"));
    assertEquals(8 << 10, DataSize.parse("8KiB"));
    assertEquals(2_000_000_000_000L, DataSize.parse("2TB"));
  }

  @Test
  void rejectsWhatIsNotASize() {
    for (String bad : new String[] {"", "abc", "-1", "1.5GiB", "12 parsecs", "GiB", null}) {
      assertThrows(IllegalArgumentException.class, () -> DataSize.parse(bad), String.valueOf(bad));
    }
  }

  @Test
  void rejectsOverflow() {
    assertThrows(IllegalArgumentException.class, () -> DataSize.parse("9999999999TiB"));
  }
}
