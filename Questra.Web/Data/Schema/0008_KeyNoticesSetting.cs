using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Questra.Web.Data.Schema;

[DbContext(typeof(QuestraDbContext))]
[Migration("20261201000003_KeyNoticesSetting")]
public sealed class KeyNoticesSetting() : ScriptMigration("0008_key_notices_setting");
