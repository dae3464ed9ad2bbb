namespace Nulecule.Testing;

/// <summary>The WordPress installer's last step, as the example tests of every engine post it. Compiled into each test project from tests/Shared.</summary>
public static class WordPressInstall
{
    /// <summary>The form of `wp-admin/install.php?step=2` that installs a site titled <paramref name="title"/>.</summary>
    public static FormUrlEncodedContent Form(string title) => new(new Dictionary<string, string>
    {
        ["weblog_title"] = title,
        ["user_name"] = "admin",
        ["admin_password"] = "Adm1n-pass-for-tests",
        ["admin_password2"] = "Adm1n-pass-for-tests",
        ["pw_weak"] = "1",
        ["admin_email"] = "admin@example.com",
        ["blog_public"] = "0",
        ["language"] = "",
    });
}
