const pad = (n: number) => String(n).padStart(2, "0");
const clockOf = (date: Date) => `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
const dayOf = (date: Date) => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;

/** Local, short, and unambiguous for a student looking at today's attempts. */
export function formatWhen(value: string | number | undefined, now = new Date()): string {
  if (value === undefined) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay ? clockOf(date) : `${dayOf(date)} ${clockOf(date)}`;
}

/** Local date and time, always with the date: a history read days later still says when. */
export function formatDateTime(value: string | number | undefined): string {
  if (value === undefined) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return `${dayOf(date)} ${clockOf(date)}`;
}

/** A deadline in the viewer's own zone, with the zone named: "Thu 10 Dec 2026, 23:59 (Europe/Paris)". */
export function formatDeadline(iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const format = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", ...(timeZone ? { timeZone } : {}) });
  // Built from parts: ICU versions (Node's, the browser's) punctuate the whole string differently.
  const part = Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return `${part.weekday} ${part.day} ${part.month} ${part.year}, ${part.hour}:${part.minute} (${zone})`;
}

/** Time left until `iso`, coarse as a student reads it: "2 days 3 h", "3 h 5 min", "4 min"; null once past. */
export function countdown(iso: string, now: number): string | null {
  const left = Date.parse(iso) - now;
  if (!(left > 0)) return null;
  const minutes = Math.ceil(left / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return `${days} ${days === 1 ? "day" : "days"} ${hours} h`;
  if (hours > 0) return `${hours} h ${rest} min`;
  return `${rest} min`;
}
