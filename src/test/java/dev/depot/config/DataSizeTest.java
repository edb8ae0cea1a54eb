package dev.depot.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void readsSingleLetterUnitsAsBinaryLikeTheJvmsXmx() {
    assertEquals(8L << 20, DataSize.parse("8m"));
    assertEquals(8L << 20, DataSize.parse("8M"));
    assertEquals(512L << 10, DataSize.parse("512k"));
    assertEquals(512L << 10, DataSize.parse("512K"));
    assertEquals(2L << 30, DataSize.parse("2g"));
    assertEquals(2L << 30, DataSize.parse("2G"));
    assertEquals(1L << 40, DataSize.parse("1t"));
    assertEquals(1L << 40, DataSize.parse("1T"));
    assertEquals(8L << 20, DataSize.parse(" 8 m "));
    assertEquals(0, DataSize.parse("0m"));
  }

  @Test
  void readsKubernetesStyleUnitsAsBinary() {
    assertEquals(512L << 10, DataSize.parse("512Ki"));
    assertEquals(8L << 20, DataSize.parse("8Mi"));
    assertEquals(2L << 30, DataSize.parse("2Gi"));
    assertEquals(1L << 40, DataSize.parse("1Ti"));
    assertEquals(8L << 20, DataSize.parse("8mi"));
  }

  @Test
  void twoLetterUnitsEndingInBStayDecimal() {
    assertEquals(8_000_000, DataSize.parse("8MB"));
    assertEquals(8_000_000, DataSize.parse("8mb"));
    assertEquals(8_000, DataSize.parse("8kB"));
    assertEquals(8_000, DataSize.parse("8KB"));
    assertEquals(3_000_000_000L, DataSize.parse("3GB"));
  }

  @Test
  void rejectsWhatIsNotASize() {
    for (String bad :
        new String[] {
          "", " ", "abc", "-1", "-8m", "+8m", "1.5GiB", "8.5m", "1,5m", "12 parsecs", "GiB", "m", "m8", "8mm", "8iB",
          "8i", "8 MiBs", "8MiB extra", "8 m b", "8kk", "8e3", "0x10", "1_000", "8p", "8Pi", "\uff18m", "8\u00a0m",
          null
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> DataSize.parse(bad), String.valueOf(bad));
      assertTrue(e.getMessage().contains("not a size"), e.getMessage());
    }
  }

  @Test
  void rejectsOverflow() {
    assertEquals(Long.MAX_VALUE, DataSize.parse("9223372036854775807"));
    assertEquals(8388607L << 40, DataSize.parse("8388607t"));
    for (String huge : new String[] {"9999999999TiB", "9223372036854775808", "9999999999999999999", "8388608t", "8388608Ti"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataSize.parse(huge), huge);
      assertTrue(e.getMessage().contains("too large"), e.getMessage());
    }
  }
}
