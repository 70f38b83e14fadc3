using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Questra.Web.Data.Schema;

[DbContext(typeof(QuestraDbContext))]
[Migration("20261122000001_UserSelectedOrganization")]
public sealed class UserSelectedOrganization() : ScriptMigration("0002_user_selected_org");
