# syntax=docker/dockerfile:1
# The kstellar engine as a container: `kstellar controller run` for one WDS. The kind provider
# deploys it next to each WDS (templates/kind/engine.yaml) with the WDS and ITS kubeconfigs
# mounted from KubeFlex secrets, e.g.
#   docker build -t kstellar:dev .
#   KSTELLAR_ENGINE_IMAGE=kstellar:dev kstellar create wds wds1 --provider kind
ARG NODE_IMAGE=node:20-slim

FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles a native addon when no prebuilt binary fits; the tools stay in this stage.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
# Scripts off: `prepare` would build before the sources are here; the addon is built explicitly.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY bin ./bin
COPY templates ./templates
# The image's `node` user (uid/gid 1000), matching the Deployment's runAsUser.
USER 1000:1000
ENTRYPOINT ["node", "/app/bin/kstellar.js", "controller", "run"]
