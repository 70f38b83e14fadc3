# Questra as a container image: the published app on the ASP.NET Core runtime, run as a non-root user, with its
# data (the SQLite file, when no PostgreSQL is configured) under the /data volume.
#
# The two base images are Microsoft's .NET 10 images, "dotnet/sdk:10.0" and "dotnet/aspnet:10.0", from the
# registry you pull them from; name them when building:
#   docker build --build-arg SDK_IMAGE=…/dotnet/sdk:10.0 --build-arg RUNTIME_IMAGE=…/dotnet/aspnet:10.0 -t questra .
ARG SDK_IMAGE
ARG RUNTIME_IMAGE

FROM ${SDK_IMAGE} AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY Questra.Web/Questra.Web.csproj Questra.Web/
RUN dotnet restore Questra.Web/Questra.Web.csproj
COPY Questra.Web/ Questra.Web/
# The publish command the test suite runs (Process/AppProcess.cs), in Release.
RUN dotnet publish Questra.Web/Questra.Web.csproj -c Release -o /app --nologo

FROM ${RUNTIME_IMAGE}
WORKDIR /app
COPY --from=build /app .
# The runtime image has a non-root user "app"; it owns the data folder and nothing else.
USER root
RUN mkdir -p /data && chown app:app /data
USER app
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ConnectionStrings__Questra="Data Source=/data/questra.db"
VOLUME /data
# 8080: the app; 9464: /metrics when Metrics__Enabled=true (keep it off the public network).
EXPOSE 8080 9464
# Liveness only: /healthz answers while the process serves (readiness is /healthz/ready, for the load balancer).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "Questra.Web.dll"]
