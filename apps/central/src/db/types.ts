/**
 * Value conversions both drivers share, so that a row reads the same on each.
 */

/**
 * A `timestamp without time zone` as text (`2024-03-01 12:34:56.789123`) read as UTC. JS would
 * otherwise read it in the process's local zone, and the two drivers differ in whether they do.
 */
export function parseUtcTimestamp(text: string): Date {
  return new Date(`${text.replace(' ', 'T')}Z`);
}
