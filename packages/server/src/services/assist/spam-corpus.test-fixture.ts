/**
 * A labelled, chat-like, multilingual corpus for the spam model's figures (docs/assist.md): built
 * by the tests from templates and a seeded generator, so every run sees the same messages.
 * Ordinary messages are the team chat of seven languages (plans, questions, thanks, code talk,
 * links to the team's own tools); spam is what reaches an open instance (offers, crypto, dating,
 * phishing), also in seven languages, often with links.
 */

export interface Labelled {
  body: string;
  spam: boolean;
}

/** mulberry32: a small seeded generator. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;

const NAMES = ['Ana', 'Bo', 'Chen', 'Dmitri', 'Elena', 'Fatima', 'Hiro', 'Jonas', 'Lucie', 'Marta', 'Wei', 'Yuki'];
const THINGS = ['the release', 'the deploy', 'the migration', 'the report', 'the design review', 'the standup', 'the invoice', 'the demo'];
const TOOLS = ['https://git.example.internal/team/app/pull/', 'https://ci.example.internal/builds/', 'https://docs.example.internal/wiki/'];

const HAM: ((r: () => number) => string)[] = [
  (r) => `Can you look at ${pick(r, THINGS)} before lunch?`,
  (r) => `${pick(r, NAMES)}, I pushed a fix for ${pick(r, THINGS)}`,
  (r) => `Thanks! I'll check ${pick(r, THINGS)} tomorrow`,
  (r) => `Build is green again, see ${pick(r, TOOLS)}${Math.floor(r() * 9000) + 1000}`,
  (r) => `Meeting moved to ${Math.floor(r() * 8) + 9}:30, same room`,
  () => `lol that bug again 😅`,
  () => `Who is on call this weekend?`,
  (r) => `I'm running ${Math.floor(r() * 15) + 5} minutes late, start without me`,
  (r) => `Free for a quick call about ${pick(r, THINGS)}?`,
  (r) => `Don't forget to update the changelog for ${pick(r, THINGS)}`,
  (r) => `¿Puedes revisar ${pick(r, ['el informe', 'la migración', 'el despliegue'])} hoy?`,
  (r) => `Gracias ${pick(r, NAMES)}, ya lo he subido`,
  (r) => `Mañana no estoy, vuelvo el ${pick(r, ['lunes', 'martes', 'jueves'])}`,
  (r) => `La reunión es a las ${Math.floor(r() * 8) + 9}:00`,
  (r) => `Можешь посмотреть ${pick(r, ['отчёт', 'релиз', 'миграцию'])} до обеда?`,
  (r) => `Спасибо, ${pick(r, NAMES)}! Всё работает`,
  () => `Я выложил исправление, проверьте пожалуйста`,
  (r) => `Созвон перенесли на ${Math.floor(r() * 8) + 10}:00`,
  (r) => `${pick(r, ['明日', '今日'])}の会議は${Math.floor(r() * 8) + 9}時からです`,
  (r) => `レビューお願いします ${pick(r, TOOLS)}${Math.floor(r() * 9000) + 1000}`,
  () => `ありがとうございます、確認しました`,
  (r) => `${pick(r, ['发布', '部署', '迁移'])}已经完成了，请检查一下`,
  (r) => `明天的会议改到${Math.floor(r() * 6) + 2}点了`,
  () => `谢谢！我马上看`,
  (r) => `Kannst du dir ${pick(r, ['den Bericht', 'das Release', 'die Migration'])} heute ansehen?`,
  (r) => `Danke ${pick(r, NAMES)}, ist erledigt`,
  (r) => `Tu peux relire ${pick(r, ['le rapport', 'la migration', 'le déploiement'])} avant midi ?`,
  (r) => `Merci ${pick(r, NAMES)}, c'est corrigé`,
  (r) => `On se retrouve à ${Math.floor(r() * 8) + 9}h pour la démo`,
  // Ordinary messages with spam's words: links, money, prizes, crypto, "free".
  (r) => `Is the free tier enough for ${pick(r, THINGS)} or do we pay?`,
  (r) => `The crypto library update broke ${Math.floor(r() * 9) + 2} tests, fixing now`,
  () => `We won the hackathon 🎉 prize money goes to the team dinner`,
  (r) => `Click the button on ${pick(r, TOOLS)}${Math.floor(r() * 9000) + 1000} to claim the ticket`,
  () => `Verify your password reset mail works on staging, please`,
  (r) => `Check this talk about token budgets https://www.youtube.com/watch?v=${Math.floor(r() * 1e8).toString(36)}`,
  () => `El plan gratis no alcanza, hay que pagar la oferta anual`,
  () => `Бесплатный тариф закончился, нужно оплатить`,
  () => `無料プランで十分ですか？`,
  () => `免费版够用吗？`,
];

const SPAM_HOSTS = [
  'bit.ly/',
  'cheap-deals.example/',
  'crypto-gain.example/',
  'hot-singles.example/',
  'secure-login.example/',
  'tinyurl.com/',
];
const link = (r: () => number) => `https://${pick(r, SPAM_HOSTS)}${Math.floor(r() * 1e6).toString(36)}`;

const SPAM: ((r: () => number) => string)[] = [
  (r) => `🔥 FREE crypto giveaway! Double your BTC today, claim now ${link(r)}`,
  (r) => `Earn $${Math.floor(r() * 900) + 100} per day from home, no experience needed ${link(r)}`,
  (r) => `Cheap meds without prescription, discreet shipping ${link(r)}`,
  (r) => `Hot singles in your area are waiting for you 😘 ${link(r)}`,
  (r) => `Your account will be suspended, verify your password here ${link(r)}`,
  (r) => `Congratulations! You won an iPhone, click ${link(r)} to claim your prize`,
  (r) => `Invest in our new token and get ${Math.floor(r() * 50) + 10}x returns guaranteed ${link(r)}`,
  (r) => `¡Gana dinero fácil desde casa! Oferta exclusiva ${link(r)}`,
  (r) => `Criptomonedas gratis, regístrate ahora ${link(r)}`,
  (r) => `Бесплатные деньги! Заработок от ${Math.floor(r() * 90) + 10} тысяч в день ${link(r)}`,
  (r) => `Ваш аккаунт заблокирован, подтвердите пароль ${link(r)}`,
  (r) => `高収入バイト！今すぐ登録 ${link(r)}`,
  (r) => `無料でビットコインがもらえる ${link(r)}`,
  (r) => `免费领取比特币，点击链接 ${link(r)}`,
  (r) => `日赚${Math.floor(r() * 900) + 100}元，加微信 ${link(r)}`,
  (r) => `Kostenlose Kryptowährung, jetzt registrieren ${link(r)}`,
  (r) => `Gagnez de l'argent facilement, offre exclusive ${link(r)}`,
];

/**
 * `ham` ordinary and `spam` spam messages, shuffled, from the generator seeded with `seed`.
 * `spamKinds` keeps some of the spam templates only (`seen`: two thirds of them, `all`): a model
 * trained on `seen` and measured on `all` meets a third of the spam in forms it never saw.
 */
export function buildCorpus(seed: number, ham: number, spam: number, spamKinds: 'seen' | 'all' = 'all'): Labelled[] {
  const r = seeded(seed);
  const out: Labelled[] = [];
  const spamTemplates = spamKinds === 'all' ? SPAM : SPAM.filter((_, i) => i % 3 !== 2);
  for (let i = 0; i < ham; i++) out.push({ body: pick(r, HAM)(r), spam: false });
  for (let i = 0; i < spam; i++) out.push({ body: pick(r, spamTemplates)(r), spam: true });
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
