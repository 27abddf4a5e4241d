# syntax=docker/dockerfile:1
# Multi-stage build: the restore layer is cached until a project file or the package versions change.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig MeshScaler.sln ./
COPY protos/ protos/
COPY src/MeshScaler.Core/MeshScaler.Core.csproj src/MeshScaler.Core/
COPY src/MeshScaler.Pulsar/MeshScaler.Pulsar.csproj src/MeshScaler.Pulsar/
COPY src/MeshScaler.Engine/MeshScaler.Engine.csproj src/MeshScaler.Engine/
COPY src/MeshScaler.Emulation/MeshScaler.Emulation.csproj src/MeshScaler.Emulation/
COPY src/MeshScaler/MeshScaler.csproj src/MeshScaler/
RUN dotnet restore src/MeshScaler/MeshScaler.csproj
COPY src/ src/
RUN dotnet publish src/MeshScaler/MeshScaler.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The aspnet image's non-root user "app", by number: kubelet can only prove runAsNonRoot for a numeric user
# (deploy/base/deployment.yaml runs as the same uid).
USER 1654:1654
ENV ASPNETCORE_URLS= \
    DOTNET_gcServer=0
# 9090: gRPC (KEDA external scaler, gRPC health); 8080: /metrics, /healthz, /readyz
EXPOSE 9090 8080
ENTRYPOINT ["dotnet", "MeshScaler.dll"]
CMD ["serve"]
