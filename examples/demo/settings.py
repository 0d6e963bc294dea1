# A demo of what hushgate catches. Every value here is synthetic and fake.
AWS_ACCESS_KEY_ID = "AKIAQ3TZPRW5LMNB7XKD"
AWS_SECRET_ACCESS_KEY = "Zq3Xv9Lm2Nb7Rt5Wy1Kp8Hc4Jd6Fg0Ts2Ue7Ia9O"
GITHUB_TOKEN = "ghp_R7mK2xQ9vL4pT8wZ1nB6cH3jD5fG0sA2eU7y"

# These are fine: references and placeholders, not secrets.
DATABASE_PASSWORD = os.environ["DATABASE_PASSWORD"]
API_KEY = "<your-api-key>"
