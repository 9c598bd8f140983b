using Marketplace.Core.Catalog;

namespace Marketplace.Benchmarks.Search;

/// <summary>Realistic after-school vocabulary (no academic subjects: the product refuses them).</summary>
internal static class Vocabulary
{
    /// <summary>The demo's twelve districts (real GB/T 2260 codes with centre coordinates): one list for product and benchmark.</summary>
    public static (District District, double Lat, double Lon)[] Districts => Marketplace.Api.Seed.DemoCatalog.Districts;

    public static readonly Dictionary<Category, string[]> Topics = new()
    {
        [Category.Science] = ["机器人", "编程", "天文", "无人机", "3D打印", "科学实验", "人工智能", "电子电路", "航模", "自然观察", "程序设计", "创客"],
        [Category.Arts] = ["书法", "合唱", "国画", "京剧", "剪纸", "陶艺", "民族舞蹈", "竹笛", "皮影戏", "创意美术", "非遗", "戏曲"],
        [Category.Sports] = ["足球", "篮球", "乒乓球", "围棋", "击剑", "跳绳", "武术", "轮滑", "羽毛球", "体适能", "田径", "排球"],
        [Category.Reading] = ["绘本阅读", "整本书阅读", "朗诵", "诗词", "故事会", "图书馆探索", "演讲", "童话剧"],
        [Category.Labour] = ["校园种植", "中式面点", "木工", "竹编", "农耕", "非遗手作", "茶艺", "扎染"],
        [Category.Clubs] = ["心理健康", "模拟联合国", "摄影", "桥牌", "小小讲解员", "非遗社团", "环保", "志愿服务"],
    };

    public static readonly string[] Prefixes = ["少儿", "青少年", "趣味", "创意", "校园", "进阶", "启蒙", "快乐", "小小", "阳光"];
    public static readonly string[] Suffixes = ["课", "训练营", "工作坊", "社团", "体验课", "入门", "提高班", "兴趣班", "研学", "展演"];
    public static readonly string[] Features = ["小班教学、安全有序", "专业教师授课", "注重动手实践", "每次课后提供学习反馈", "配套器材由机构提供", "期末汇报展示", "公益普惠", "结合传统文化"];
    public static readonly string[] Tags = ["特色课程", "课后服务", "兴趣", "公益", "科普", "非遗", "体育", "传统文化", "实践", "社团"];
    public static readonly string[] OrgSuffixes = ["科学技术协会", "青少年宫", "文化馆", "少儿图书馆", "体育俱乐部", "创新实验室", "非遗传习中心", "劳动教育实践基地", "艺术培训中心", "科普工作室"];

    /// <summary>Words users type into the search box (topics plus a few synonyms and two-word queries).</summary>
    public static readonly string[] QueryTerms =
    [
        "机器人", "编程", "足球", "篮球", "书法", "非遗", "合唱", "天文", "绘本阅读", "围棋", "剪纸", "无人机", "程序设计", "京剧",
        "陶艺", "武术", "木工", "摄影", "心理健康", "诗词", "机器人 编程", "少儿 足球", "非物质文化遗产", "写字",
    ];
}
