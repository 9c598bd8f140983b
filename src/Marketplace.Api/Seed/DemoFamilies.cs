using Marketplace.Core.Families;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;

namespace Marketplace.Api.Seed;

/// <summary>
/// The demo's families (issue 18): guardians <c>guardian1</c> … <c>guardian40</c> (phones 13800000001 … 13800000040, so they also sign
/// in by phone) with 50 children — guardian1 … 20 in school1, guardian21 … 40 in school2, every fourth guardian with two children, and
/// guardian5 with a child in each school. The odd-numbered guardians have consented for their children. Its own random seed, so the
/// rest of the demo stays as it was.
/// </summary>
internal static class DemoFamilies
{
    public const int Guardians = 40;

    private const string Surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗";
    private static readonly string[] Given = ["子涵", "欣怡", "梓轩", "浩然", "雨桐", "一诺", "宇轩", "可馨", "思远", "若曦", "俊熙", "语嫣", "明哲", "诗涵", "天佑"];
    private static readonly string[] Classes = ["1班", "2班", "3班"];

    public static void Add(StoreChanges changes, string hash, School school1, School school2, DateTimeOffset now)
    {
        var random = new Random(18);
        for (var i = 1; i <= Guardians; i++)
        {
            var surname = Surnames[random.Next(Surnames.Length)].ToString();
            var guardian = User.DemoGuardian($"guardian{i}", hash, $"138{i:D8}", surname + (i % 2 == 0 ? "妈妈" : "爸爸"));
            changes.Insert(guardian);
            var home = i <= Guardians / 2 ? school1 : school2;
            var schools = i == 5 ? new[] { school1, school2 } : i % 4 == 0 ? [home, home] : [home];
            for (var k = 0; k < schools.Length; k++)
            {
                var school = schools[k];
                var pupil = Pupil.Create(school.Id, school.DistrictCode, surname + Given[(i * 2 + k) % Given.Length], random.Next(1, 7), Classes[random.Next(Classes.Length)],
                    guardian.Id, guardian.Phone!, hardship: random.Next(10) == 0, now);
                if (i % 2 == 1) pupil.Consent(guardian.Id, ConsentText.Version, now);
                changes.Insert(pupil);
            }
        }
    }
}
