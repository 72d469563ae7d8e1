# The AgentOS image (SPEC §2): Node 24 and git, running the ncc bundle in dist/. GitHub runs it as
# the action (no arguments); `docker run … agentos daemon` runs the same bundle as the CLI, here the
# seed's long-lived mode over the agent repository mounted at /data.
FROM node:24-slim

# git (and CA certificates for https remotes); skipped when the base image already has both.
RUN if ! command -v git >/dev/null 2>&1 || [ ! -e /etc/ssl/certs/ca-certificates.crt ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends git ca-certificates \
      && rm -rf /var/lib/apt/lists/*; \
    fi

COPY dist/ /agentos/dist/

# The daemon's defaults (the action reads neither): the agent repository and the poll interval.
ENV DATA_DIR=/data \
    POLL_INTERVAL=5

ENTRYPOINT ["node", "/agentos/dist/index.js"]
