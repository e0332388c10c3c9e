// Telling the two kinds of AUTHBOT_DATABASE_URL apart, and printing one without its password.
export function isPostgresUrl(databaseUrl: string): boolean {
  return /^postgres(ql)?:\/\//i.test(databaseUrl);
}

export function isSqliteUrl(databaseUrl: string): boolean {
  return databaseUrl.startsWith('file:') || databaseUrl === ':memory:';
}

/** A database URL fit for logs and errors: the password, if any, is masked. */
export function describeDatabaseUrl(databaseUrl: string): string {
  if (!isPostgresUrl(databaseUrl)) return databaseUrl;
  try {
    const url = new URL(databaseUrl);
    if (url.password !== '') url.password = '***';
    if (url.searchParams.has('password')) url.searchParams.set('password', '***');
    return url.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

/** Removes the URL's password from a driver message, should a driver ever echo it. */
export function scrubPassword(text: string, databaseUrl: string): string {
  let password = '';
  try {
    const url = new URL(databaseUrl);
    password = decodeURIComponent(url.password) || url.searchParams.get('password') || '';
  } catch {
    return text;
  }
  return password.length > 0 ? text.split(password).join('***') : text;
}
