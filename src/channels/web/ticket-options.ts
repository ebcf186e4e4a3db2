import { KINDS, type Location, type TicketKind } from '../../tickets/types.js';
import { translate, type PageLanguage } from './messages.js';

/**
 * What the submit form offers, and how the other pages name it again.
 *
 * Categories are stored on the ticket by their Chinese name (what routing rules and SLA policies
 * match on, `conditions.categories`): the topics of the demo departments and rules in
 * src/seed-data.ts. Places are the districts the demo departments serve (their region codes) and
 * their subdistricts / towns, with 6- and 9-digit codes as `Location` keeps them. Both are data a
 * deployment edits here until regions and categories become admin tables.
 */
export const CATEGORIES: readonly { value: string; key: string }[] = [
  { value: '社会保障', key: 'social_security' },
  { value: '惠农补贴', key: 'farm_subsidy' },
  { value: '民生保障', key: 'welfare' },
  { value: '住房物业', key: 'housing' },
  { value: '食品安全', key: 'food_safety' },
  { value: '市场监管', key: 'market' },
  { value: '城市管理', key: 'city' },
  { value: '生态环境', key: 'environment' },
  { value: '交通出行', key: 'transport' },
  { value: '教育', key: 'education' },
  { value: '医疗卫生', key: 'health' },
  { value: '治安', key: 'public_order' },
  { value: '政务服务', key: 'services' },
];

interface Place {
  code: string;
  name: string;
  nameEn: string;
}

interface District extends Place {
  townships: readonly Place[];
}

const place = (code: string, name: string, nameEn: string): Place => ({ code, name, nameEn });

export const DISTRICTS: readonly District[] = [
  {
    ...place('130102', '长安区', 'Chang’an District'),
    townships: [
      place('130102001', '建北街道', 'Jianbei Subdistrict'),
      place('130102002', '青园街道', 'Qingyuan Subdistrict'),
      place('130102003', '广安街道', 'Guang’an Subdistrict'),
      place('130102004', '育才街道', 'Yucai Subdistrict'),
      place('130102100', '高营镇', 'Gaoying Town'),
    ],
  },
  {
    ...place('130104', '桥西区', 'Qiaoxi District'),
    townships: [
      place('130104001', '东里街道', 'Dongli Subdistrict'),
      place('130104002', '中山路街道', 'Zhongshan Road Subdistrict'),
      place('130104003', '南长街街道', 'Nanchang Street Subdistrict'),
      place('130104004', '维明街街道', 'Weiming Street Subdistrict'),
    ],
  },
  {
    ...place('130105', '新华区', 'Xinhua District'),
    townships: [
      place('130105001', '革新街街道', 'Gexin Street Subdistrict'),
      place('130105002', '新华路街道', 'Xinhua Road Subdistrict'),
      place('130105003', '宁安街道', 'Ning’an Subdistrict'),
      place('130105004', '东焦街道', 'Dongjiao Subdistrict'),
    ],
  },
  {
    ...place('130108', '裕华区', 'Yuhua District'),
    townships: [
      place('130108001', '裕兴街道', 'Yuxing Subdistrict'),
      place('130108002', '裕强街道', 'Yuqiang Subdistrict'),
      place('130108003', '东苑街道', 'Dongyuan Subdistrict'),
      place('130108004', '建通街道', 'Jiantong Subdistrict'),
    ],
  },
  {
    ...place('130123', '正定县', 'Zhengding County'),
    townships: [
      place('130123100', '正定镇', 'Zhengding Town'),
      place('130123101', '诸福屯镇', 'Zhufutun Town'),
      place('130123102', '新城铺镇', 'Xinchengpu Town'),
      place('130123103', '新安镇', 'Xin’an Town'),
    ],
  },
];

export function isKind(value: string): value is TicketKind {
  return (KINDS as readonly string[]).includes(value);
}

export function categoryByValue(value: string): { value: string; key: string } | undefined {
  return CATEGORIES.find((c) => c.value === value);
}

/** A category as the page shows it: its words when we know it, else as stored (set by staff or API). */
export function categoryLabel(language: PageLanguage, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const known = categoryByValue(value);
  return known ? translate(language, `category.${known.key}`) : value;
}

/** The location a place code (district or township) stands for, or undefined for an unknown code. */
export function locationOf(code: string): Location | undefined {
  for (const district of DISTRICTS) {
    if (district.code === code) return { districtCode: code };
    if (district.townships.some((t) => t.code === code))
      return { districtCode: district.code, townshipCode: code };
  }
  return undefined;
}

/** `长安区 建北街道` / `Jianbei Subdistrict, Chang’an District` for a ticket's location codes. */
export function placeLabel(language: PageLanguage, location: Location): string | undefined {
  const districtCode = location.districtCode ?? location.townshipCode?.slice(0, 6);
  const district = DISTRICTS.find((d) => d.code === districtCode);
  if (!district) return undefined;
  const township = district.townships.find((t) => t.code === location.townshipCode);
  if (language === 'en') return township ? `${township.nameEn}, ${district.nameEn}` : district.nameEn;
  return township ? `${district.name} ${township.name}` : district.name;
}

export interface PlaceGroup {
  label: string;
  options: { value: string; label: string; selected: boolean }[];
}

/** The place select: one group per district, "the whole district" first, then its townships. */
export function placeGroups(language: PageLanguage, selected: string | undefined): PlaceGroup[] {
  return DISTRICTS.map((district) => {
    const districtName = language === 'en' ? district.nameEn : district.name;
    return {
      label: districtName,
      options: [
        {
          value: district.code,
          label: translate(language, 'place.wholeDistrict', { district: districtName }),
          selected: selected === district.code,
        },
        // The district in each label too: a closed select shows the option, not its group.
        ...district.townships.map((t) => ({
          value: t.code,
          label: language === 'en' ? `${t.nameEn}, ${district.nameEn}` : `${district.name} ${t.name}`,
          selected: selected === t.code,
        })),
      ],
    };
  });
}
