/**
 * A date or time a chat message names (issue 40: the "Schedule for …" chip), in en, es, ru, ja,
 * zh, de and fr: a day (today, tomorrow, the day after, a weekday, an ISO date) and/or a time of
 * day (15:30, 3pm, 15h, 15 Uhr, 3時, 下午3点). Relative to when the message was written, in the
 * reader's time zone. Rules, not a parser: what it does not know, it does not find.
 */

export interface DateMention {
  /** The instant named, UTC. */
  at: Date;
  /** The words that named it, as written (day and time joined by what lay between). */
  text: string;
  /** A time of day was named (else the day at 09:00). */
  hasTime: boolean;
}

const DAY_OFFSETS: [RegExp, number][] = [
  [/pasado mañana|послезавтра|明後日|あさって|后天|übermorgen|après-demain|day after tomorrow/iu, 2],
  [/\btomorrow\b|\bmañana\b|завтра|明日|あした|明天|\bmorgen\b|\bdemain\b/iu, 1],
  [/\btoday\b|\bhoy\b|сегодня|今日|きょう|今天|\bheute\b|aujourd['’]hui|\btonight\b|\besta noche\b/iu, 0],
];

/** Weekday names, Sunday first, per language. */
const WEEKDAYS: RegExp[] = [
  /\bsunday\b|\bdomingo\b|воскресень[ея]|日曜|星期日|周日|星期天|\bsonntag\b|\bdimanche\b/iu,
  /\bmonday\b|\blunes\b|понедельник|月曜|星期一|周一|\bmontag\b|\blundi\b/iu,
  /\btuesday\b|\bmartes\b|вторник|火曜|星期二|周二|\bdienstag\b|\bmardi\b/iu,
  /\bwednesday\b|\bmiércoles\b|сред[ау]|水曜|星期三|周三|\bmittwoch\b|\bmercredi\b/iu,
  /\bthursday\b|\bjueves\b|четверг|木曜|星期四|周四|\bdonnerstag\b|\bjeudi\b/iu,
  /\bfriday\b|\bviernes\b|пятниц[ау]|金曜|星期五|周五|\bfreitag\b|\bvendredi\b/iu,
  /\bsaturday\b|\bsábado\b|суббот[ау]|土曜|星期六|周六|\bsamstag\b|\bsamedi\b/iu,
];

const ISO_DATE = /\b(\d{4})-(\d{2})-(\d{2})\b/u;
/** Each: the match, and how to read hours, minutes and a pm flag from it. */
const TIMES: { re: RegExp; read: (m: RegExpExecArray) => [number, number] | undefined }[] = [
  // 下午3点 / 晚上8点半 / 3点
  {
    re: /(上午|早上|下午|晚上)?\s*(\d{1,2})\s*[点點](半|(\d{1,2})分?)?/u,
    read: (m) => [
      Number(m[2]) + (m[1] === '下午' || m[1] === '晚上' ? (Number(m[2]) < 12 ? 12 : 0) : 0),
      m[3] === '半' ? 30 : Number(m[4] ?? 0),
    ],
  },
  // 午後3時半 / 15時30分
  {
    re: /(午前|午後)?\s*(\d{1,2})\s*時(半|(\d{1,2})分)?/u,
    read: (m) => [Number(m[2]) + (m[1] === '午後' && Number(m[2]) < 12 ? 12 : 0), m[3] === '半' ? 30 : Number(m[4] ?? 0)],
  },
  // 3pm, 3:30 pm, 11 a.m.
  {
    re: /\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s?m\b\.?/iu,
    read: (m) => {
      const h = Number(m[1]) % 12;
      return [m[3]!.toLowerCase() === 'p' ? h + 12 : h, Number(m[2] ?? 0)];
    },
  },
  // 15:30
  { re: /\b(\d{1,2}):(\d{2})\b/u, read: (m) => [Number(m[1]), Number(m[2])] },
  // 15h, 15 h 30
  { re: /\b(\d{1,2})\s?h\s?(\d{2})?\b/iu, read: (m) => [Number(m[1]), Number(m[2] ?? 0)] },
  // 15 Uhr
  { re: /\b(\d{1,2})\s?Uhr(?:\s?(\d{2}))?\b/iu, read: (m) => [Number(m[1]), Number(m[2] ?? 0)] },
];

export function findDateMention(text: string, writtenAt: number, timeZone: string): DateMention | undefined {
  const plain = text.replace(/https?:\/\/\S+/gu, ' ');
  const today = wallDate(writtenAt, timeZone);
  let day: { y: number; m: number; d: number; match: RegExpExecArray } | undefined;
  const iso = ISO_DATE.exec(plain);
  if (iso) day = { y: Number(iso[1]), m: Number(iso[2]), d: Number(iso[3]), match: iso };
  for (const [re, offset] of DAY_OFFSETS) {
    if (day) break;
    const match = re.exec(plain);
    if (match) day = { ...addDays(today, offset), match };
  }
  for (let weekday = 0; weekday < 7 && !day; weekday++) {
    const match = WEEKDAYS[weekday]!.exec(plain);
    if (match) day = { ...addDays(today, (weekday - today.weekday + 7) % 7 || 7), match };
  }
  let time: { h: number; min: number; match: RegExpExecArray } | undefined;
  for (const { re, read } of TIMES) {
    const match = re.exec(plain);
    const hm = match && read(match);
    if (match && hm && hm[0] >= 0 && hm[0] < 24 && hm[1] >= 0 && hm[1] < 60) {
      time = { h: hm[0], min: hm[1], match };
      break;
    }
  }
  if (!day && !time) return undefined;
  let at: Date;
  if (day) {
    at = zonedToUtc(day.y, day.m, day.d, time?.h ?? 9, time?.min ?? 0, timeZone);
  } else {
    // A time alone: today's, or tomorrow's once today's has passed.
    at = zonedToUtc(today.y, today.m, today.d, time!.h, time!.min, timeZone);
    if (at.getTime() <= writtenAt) {
      const next = addDays(today, 1);
      at = zonedToUtc(next.y, next.m, next.d, time!.h, time!.min, timeZone);
    }
  }
  if (Number.isNaN(at.getTime())) return undefined;
  const spans = [day?.match, time?.match].filter((m): m is RegExpExecArray => m !== undefined);
  const start = Math.min(...spans.map((m) => m.index));
  const end = Math.max(...spans.map((m) => m.index + m[0].length));
  return { at, text: plain.slice(start, end).trim(), hasTime: time !== undefined };
}

function wallDate(at: number, timeZone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday!);
  return { y: Number(parts.year), m: Number(parts.month), d: Number(parts.day), weekday };
}

function addDays(date: { y: number; m: number; d: number }, days: number) {
  const t = new Date(Date.UTC(date.y, date.m - 1, date.d + days));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/** The UTC instant of a wall-clock time in `timeZone` (its offset read from Intl at that moment). */
export function zonedToUtc(y: number, m: number, d: number, h: number, min: number, timeZone: string): Date {
  const guess = Date.UTC(y, m - 1, d, h, min);
  const offset = (at: number) => {
    const p = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
      })
        .formatToParts(at)
        .map((x) => [x.type, x.value]),
    );
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute)) - at;
  };
  const first = guess - offset(guess);
  return new Date(guess - offset(first));
}
