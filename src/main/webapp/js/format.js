// Numbers for people: sizes in binary units, speeds, times left, dates in the reader's locale.

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

export function size(bytes) {
  if (bytes == null || Number.isNaN(bytes)) {
    return "";
  }
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

export function speed(bytesPerSecond) {
  return bytesPerSecond > 0 ? `${size(Math.round(bytesPerSecond))}/s` : "";
}

export function duration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) {
    return "";
  }
  const s = Math.round(seconds);
  if (s < 60) {
    return `${s} s`;
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)} min ${s % 60} s`;
  }
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function date(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleString();
}

/** A string as one shell word: single quotes, with each ' written as '\''. */
export function shellQuote(text) {
  return "'" + text.replaceAll("'", "'\\''") + "'";
}
