# The AgentOS action's container (SPEC §2): Node 24 and git, running the ncc bundle in dist/.
FROM node:24-slim

# git (and CA certificates for https remotes); skipped when the base image already has both.
RUN if ! command -v git >/dev/null 2>&1 || [ ! -e /etc/ssl/certs/ca-certificates.crt ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends git ca-certificates \
      && rm -rf /var/lib/apt/lists/*; \
    fi

COPY dist/ /agentos/dist/

ENTRYPOINT ["node", "/agentos/dist/index.js"]
