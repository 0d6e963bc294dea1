"""Synthetic, clearly fake secrets used across tests. None of these was ever a real credential."""

AWS_KEY_ID = "AKIAQ3TZPRW5LMNB7XKD"
AWS_SECRET = "Zq3Xv9Lm2Nb7Rt5Wy1Kp8Hc4Jd6Fg0Ts2Ue7Ia9O"
GITHUB_PAT = "ghp_R7mK2xQ9vL4pT8wZ1nB6cH3jD5fG0sA2eU7y"
PEM_BODY = (
    "MIIEowIBAAKCAQEAq7Zx9Lm2Nb7Rt5Wy1Kp8Hc4Jd6Fg0Ts2Ue7Ia9OqVx3Bn5\n"
    "Kz8Wm1Pq4Rs7Tu0Vx3Yz6Ab9Cd2Ef5Gh8Ij1Kl4Mn7Op0Qr3St6Uv9Wx2Yz5Ab8\n"
)
PEM_KEY = f"-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}-----END RSA PRIVATE KEY-----\n"

ALL = (AWS_KEY_ID, AWS_SECRET, GITHUB_PAT)


def secrets_file_text() -> str:
    return (f"aws_access_key_id = {AWS_KEY_ID}\n"
            f"aws_secret_access_key = {AWS_SECRET}\n"
            f"GITHUB_TOKEN = \"{GITHUB_PAT}\"\n")

TOKEN_LINE = f'token = "{GITHUB_PAT}"\n'

# A minimal user rule pack, and the token it finds.
ACME_TOKEN = "acme_q7gv2xk9lm3np5rt8wz1"
ACME_PACK = '''
[[rules]]
id = "acme-token"
title = "Acme token"
regex = 'acme_([a-z0-9]{20})'
keywords = ["acme_"]
[rules.examples]
positive = ["acme_q7gv2xk9lm3np5rt8wz1"]
negative = ["acme_short"]
'''

# Exponential on a run of `a` with no digit after it: keeps a scan busy for as long as its
# regex timeout allows (found only by the portable engine's keyword).
SLOW_RULE = '''
[[rules]]
id = "slow-rule"
title = "Slow rule"
regex = '(?:a|a)+(\\d)'
keywords = ["aaaa"]
[rules.examples]
positive = ["aaaa1"]
negative = ["b"]
'''
SLOW_INPUT = "a" * 40 + "!\n"
