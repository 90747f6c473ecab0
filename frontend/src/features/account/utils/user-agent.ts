/**
 * A short, human name for a session's User-Agent ("Firefox on Windows"), or undefined when it
 * cannot be told. Good enough to recognize one's own devices; not a fingerprint.
 */
export function describeUserAgent(ua: string | null | undefined): { browser: string; os: string } | undefined {
  if (!ua) {
    return undefined;
  }
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /OPR\//.test(ua)
      ? 'Opera'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /(Chrome|Chromium|CriOS)\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua)
            ? 'Safari'
            : undefined;
  const os = /iPhone|iPad|iPod/.test(ua)
    ? 'iOS'
    : /Android/.test(ua)
      ? 'Android'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /CrOS/.test(ua)
            ? 'ChromeOS'
            : /Linux/.test(ua)
              ? 'Linux'
              : undefined;
  if (!browser || !os) {
    return undefined;
  }
  return { browser, os };
}
