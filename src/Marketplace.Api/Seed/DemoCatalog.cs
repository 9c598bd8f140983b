using Marketplace.Core.Catalog;

namespace Marketplace.Api.Seed;

/// <summary>Realistic Chinese demo data: real GB/T 2260 codes, provider kinds and programme titles from DOMAIN.md.</summary>
internal static class DemoCatalog
{
    public const string Password = "Demo@2026";

    public static readonly (District District, double Lat, double Lon)[] Districts =
    [
        (new("110101", "东城区", "北京市", "北京市"), 39.9288, 116.4160), (new("110102", "西城区", "北京市", "北京市"), 39.9123, 116.3660),
        (new("110105", "朝阳区", "北京市", "北京市"), 39.9215, 116.4434), (new("110108", "海淀区", "北京市", "北京市"), 39.9593, 116.2981),
        (new("330102", "上城区", "杭州市", "浙江省"), 30.2425, 120.1692), (new("330105", "拱墅区", "杭州市", "浙江省"), 30.3192, 120.1418),
        (new("330106", "西湖区", "杭州市", "浙江省"), 30.2595, 120.1300), (new("330108", "滨江区", "杭州市", "浙江省"), 30.2084, 120.2119),
        (new("510104", "锦江区", "成都市", "四川省"), 30.6570, 104.0834), (new("510105", "青羊区", "成都市", "四川省"), 30.6742, 104.0620),
        (new("510107", "武侯区", "成都市", "四川省"), 30.6423, 104.0431), (new("510108", "成华区", "成都市", "四川省"), 30.6600, 104.1013),
    ];

    /// <summary>Name, kind, credit-code prefix (12 事业单位, 13 群众团体, 51 社会团体, 52 民非, 91 企业), home district index.</summary>
    public static readonly (string Name, ProviderKind Kind, string Prefix, int District)[] Providers =
    [
        ("北京市朝阳区科学技术协会", ProviderKind.ScienceAssociation, "13", 2),
        ("北京市海淀区青少年科技馆", ProviderKind.ScienceMuseum, "12", 3),
        ("北京市东城区文化馆", ProviderKind.CulturalCentre, "12", 0),
        ("北京市西城区青少年宫", ProviderKind.YouthPalace, "12", 1),
        ("北京市朝阳区少儿图书馆", ProviderKind.Library, "12", 2),
        ("北京绿茵少年足球俱乐部", ProviderKind.SportsOrganization, "52", 2),
        ("北京理工大学机器人创新实验室", ProviderKind.University, "12", 3),
        ("杭州市上城区科学技术协会", ProviderKind.ScienceAssociation, "13", 4),
        ("杭州市西湖区非遗文化传习中心", ProviderKind.CulturalCentre, "12", 6),
        ("杭州滨江青少年篮球运动协会", ProviderKind.SportsOrganization, "51", 7),
        ("杭州市拱墅区少年宫", ProviderKind.YouthPalace, "12", 5),
        ("浙江大学青少年科学营", ProviderKind.University, "12", 6),
        ("成都市锦江区文化馆", ProviderKind.CulturalCentre, "12", 8),
        ("成都市青羊区图书馆", ProviderKind.Library, "12", 9),
        ("成都市武侯区科学技术协会", ProviderKind.ScienceAssociation, "13", 10),
        ("成都熊猫围棋文化交流中心", ProviderKind.SocialOrganization, "52", 11),
        ("成都天府击剑运动俱乐部", ProviderKind.SportsOrganization, "91", 10),
        ("四川省成华区青少年活动中心", ProviderKind.YouthPalace, "12", 11),
        ("北京星空天文科普工作室", ProviderKind.SocialOrganization, "52", 3),
        ("杭州匠心劳动教育实践基地", ProviderKind.SocialOrganization, "52", 4),
    ];

    public static readonly Dictionary<Category, string[]> Titles = new()
    {
        [Category.Science] = ["青少年机器人编程科普课", "三模制作：航模船模车模", "3D打印创意设计", "Scratch 图形化编程入门", "无人机飞行与航拍", "科普剧表演工作坊", "天文观测与星空摄影", "趣味科学实验秀", "人工智能启蒙", "少儿程序设计思维课", "电子电路小创客", "生物多样性自然观察"],
        [Category.Arts] = ["书法：硬笔与软笔", "京剧戏曲进校园", "泥塑与陶艺", "童声合唱团", "少儿国画", "非物质文化遗产：剪纸", "民族舞蹈", "竹笛与民乐合奏", "非遗皮影戏体验", "创意美术与手工"],
        [Category.Sports] = ["校园足球训练营", "少儿篮球基础", "围棋启蒙", "击剑入门", "体适能训练", "跳绳与花样跳绳", "武术与五步拳", "乒乓球技能提升", "轮滑与平衡"],
        [Category.Reading] = ["绘本阅读与讲述", "整本书阅读：西游记", "少儿朗诵与演讲", "图书馆探索之旅", "诗词里的中国"],
        [Category.Labour] = ["劳动教育：校园种植", "小小厨房：中式面点", "木工与榫卯", "非遗竹编手作", "农耕研学实践"],
        [Category.Clubs] = ["心理健康：情绪小管家", "模拟联合国少年版", "摄影社团", "桥牌社", "小小讲解员研学社"],
    };

    /// <summary>Which categories each kind of provider typically runs.</summary>
    public static Category[] CategoriesFor(ProviderKind kind) => kind switch
    {
        ProviderKind.ScienceAssociation or ProviderKind.ScienceMuseum or ProviderKind.University => [Category.Science, Category.Clubs],
        ProviderKind.CulturalCentre => [Category.Arts, Category.Labour],
        ProviderKind.Library => [Category.Reading, Category.Clubs],
        ProviderKind.YouthPalace => [Category.Arts, Category.Science, Category.Sports, Category.Reading],
        ProviderKind.SportsOrganization => [Category.Sports],
        _ => [Category.Science, Category.Labour, Category.Clubs, Category.Sports],
    };

    public static readonly string[] SchoolNames =
    [
        "实验小学", "第一中学", "育才学校", "外国语学校附属小学", "师范大学附属小学", "第二实验小学", "第三中学", "文汇小学",
        "和平里小学", "中关村第一小学", "行知学校", "新华小学", "少城小学", "芳草小学", "崇文中学",
    ];
}
