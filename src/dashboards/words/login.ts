/** The sign-in page. One message for unknown user and wrong password: it must not tell them apart. */
export const LOGIN_WORDS = {
  'zh-CN': {
    'login.title': '工作人员登录',
    'login.intro': '请使用系统管理员为您开设的账号登录。',
    'login.username': '用户名',
    'login.password': '密码',
    'login.submit': '登录',
    'login.invalid': '用户名或密码不正确。',
    'login.locked':
      '密码连续输错 5 次，账号已锁定 15 分钟，请 {{minutes}} 分钟后再试；锁定期间即使密码正确也无法登录。',
    'login.too_many': '登录尝试过于频繁，请 1 分钟后再试。',
    'login.help': '忘记密码请联系系统管理员重置。',
  },
  en: {
    'login.title': 'Staff sign-in',
    'login.intro': 'Sign in with the account your administrator gave you.',
    'login.username': 'Username',
    'login.password': 'Password',
    'login.submit': 'Sign in',
    'login.invalid': 'Wrong username or password.',
    'login.locked':
      'Five wrong passwords in a row: this account is locked for 15 minutes. Try again in {{minutes}} minute(s); until then even the right password is refused.',
    'login.too_many': 'Too many sign-in attempts. Please wait a minute.',
    'login.help': 'Forgot your password? Ask an administrator to reset it.',
  },
};
