namespace Nulecule.Docker.Tests.Swarm;

/// <summary>
/// A three-service app for the swarm: `db` keeps a hidden password on a named volume and is
/// healthy once its data is there; `migrate` is a one-shot job that needs the db; `web` serves
/// `$greeting` on a host port behind a health check. Graph order db, migrate, web: with --wait
/// the web starts only after the migration completed.
/// </summary>
internal static class ShopApp
{
    public static Func<string, string> Writer(int port) => directory =>
    {
        Directory.CreateDirectory(Path.Combine(directory, "artifacts", "docker"));
        File.WriteAllText(Path.Combine(directory, "Nulecule"), $"""
            specversion: 0.0.2
            id: shop
            metadata:
              name: Shop
              appversion: 1.0.0
            params:
              - name: token
                description: The database password
                hidden: true
              - name: image
                description: Image of db and migrate
                default: {TestImages.Busybox}
            graph:
              - name: db
                artifacts:
                  docker:
                    - file://artifacts/docker/db
              - name: migrate
                params:
                  - name: schema
                    description: Schema version the migration writes
                    default: 1
                artifacts:
                  docker:
                    - file://artifacts/docker/migrate
              - name: web
                params:
                  - name: web_image
                    description: Image of the web server
                    default: {TestImages.Busybox}
                  - name: port
                    description: Host port
                    default: {port}
                  - name: greeting
                    description: The page
                    default: v1
                artifacts:
                  docker:
                    - file://artifacts/docker/web
            """);
        File.WriteAllText(Path.Combine(directory, "artifacts", "docker", "db"), """
            docker run -d --name db -v data:/data -e DB_PASSWORD=$token --health-cmd 'test -f /data/ready' --health-interval 1s $image \
              sh -c 'trap "exit 0" TERM; printf %s "$DB_PASSWORD" | wc -c > /data/pwlen; mkdir -p /www; echo db-ok > /www/index.html; touch /data/ready; httpd -p 5432 -h /www; while sleep 1; do :; done'

            """);
        File.WriteAllText(Path.Combine(directory, "artifacts", "docker", "migrate"), """
            docker run --name migrate --restart on-failure $image sh -c 'wget -q -O- http://db:5432/ | grep -q db-ok && echo "migrated to schema $schema"'

            """);
        File.WriteAllText(Path.Combine(directory, "artifacts", "docker", "web"), """
            docker run -d --name web -p $port:8080 --health-cmd 'wget -q -O- http://127.0.0.1:8080/ >/dev/null' --health-interval 1s $web_image \
              sh -c 'trap "exit 0" TERM; mkdir -p /www; echo $greeting > /www/index.html; httpd -p 8080 -h /www; while sleep 1; do :; done'

            """);
        return directory;
    };
}
