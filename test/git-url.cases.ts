import { maskUrl, redactUrlsInText, repoUrlProblem, stripUrlUserInfo, urlSecretProblem } from '../src/git-url';

describe('git URLs', () => {
  test.each([
    ['https://bot:ghp_x@github.com/a/b.git', 'https://***@github.com/a/b.git'],
    ['ssh://git@github.com/a/b.git', 'ssh://***@github.com/a/b.git'],
    ['https://github.com/a/b.git', 'https://github.com/a/b.git'],
  ])('GIVEN %s WHEN masked for a message THEN the user info is ***', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
  });

  test.each([
    ['https://bot:ghp_x@github.com/a/b.git', 'https://github.com/a/b.git'],
    ['git@github.com:a/b.git', 'github.com:a/b.git'],
    ['/srv/git/rendered.git', '/srv/git/rendered.git'],
  ])('GIVEN %s WHEN recorded THEN the user info is gone', (url, stripped) => {
    expect(stripUrlUserInfo(url)).toBe(stripped);
  });

  test('GIVEN git stderr naming a URL with a token THEN the token is removed from the text', () => {
    expect(redactUrlsInText("fatal: unable to access 'https://x-access-token:ghs_abc@github.com/a/b.git/': 403"))
      .toBe("fatal: unable to access 'https://github.com/a/b.git/': 403");
  });

  test.each([
    ['https://user:pw@host/x.git', 'carries a password or token in its user info'],
    ['https://ghp_0123456789@host/x.git', 'carries a token as its user name'],
    ['ssh://git@host/x.git', undefined],
    ['git@host:x.git', undefined],
  ])('GIVEN %s WHEN handed to git THEN the secret problem is %s', (url, problem) => {
    expect(urlSecretProblem(url)).toBe(problem);
  });

  test.each([
    ['https://github.com/a/b.git', undefined],
    ['git@github.com:a/b.git', undefined],
    ['ssh://git@github.com/a/b.git', undefined],
    ['ftp://github.com/a/b.git', 'must be an https:// URL or an ssh URL (ssh://git@host/org/repo.git or git@host:org/repo.git)'],
    ['https://bot@github.com/a/b.git', 'must not carry credentials ("user:token@" or "user@"): put them in a repository Secret labelled argocd.argoproj.io/secret-type: repository (see docs/argocd.md)'],
    ['https://', 'is not a valid URL'],
    ['https://github.com/a b.git', 'must not contain whitespace'],
    ['ssh:///a/b.git', 'has no host'],
    ['', 'is required: the git URL of the repository holding the rendered branch'],
  ])('GIVEN repository URL %j WHEN checked for Argo CD THEN the problem is %s', (url, message) => {
    expect(repoUrlProblem(url)?.message).toBe(message);
  });
});
