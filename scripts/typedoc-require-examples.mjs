// A TypeDoc plugin: every public export must have a comment with an @example, and every member
// a class or interface declares must have a comment. With `treatWarningsAsErrors`, `npm run docs`
// fails on what is missing. (TypeDoc's own `notDocumented` check is kept off for properties: it
// would also demand comments inside the inferred type of `socketMachine`.)
import { Application, ReflectionKind } from 'typedoc';

const EXPORT_KINDS =
  ReflectionKind.Class | ReflectionKind.Interface | ReflectionKind.Function | ReflectionKind.Variable | ReflectionKind.TypeAlias | ReflectionKind.Enum;
const MEMBER_KINDS = ReflectionKind.Property | ReflectionKind.Accessor | ReflectionKind.Method;

/** @param {import('typedoc').DeclarationReflection} reflection */
function commentOf(reflection) {
  return reflection.comment ?? reflection.signatures?.[0]?.comment ?? reflection.getSignature?.comment ?? reflection.setSignature?.comment;
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    const modules = project.children?.some((child) => child.kindOf(ReflectionKind.Module)) ? project.children : [project];
    for (const module of modules) {
      for (const exported of module.children ?? []) {
        if (!exported.kindOf(EXPORT_KINDS)) continue; // re-exports are checked where they are declared
        const name = `${exported.getFriendlyFullName()} (${ReflectionKind.singularString(exported.kind)})`;
        const comment = commentOf(exported);
        if (!comment || comment.summary.length === 0) app.logger.warn(`${name} has no documentation comment`);
        else if (!comment.blockTags.some((tag) => tag.tag === '@example')) app.logger.warn(`${name} has no @example`);
        if (!exported.kindOf(ReflectionKind.Class | ReflectionKind.Interface)) continue;
        for (const member of exported.children ?? []) {
          if (!member.kindOf(MEMBER_KINDS) || member.inheritedFrom) continue;
          const memberComment = commentOf(member);
          if (!memberComment || memberComment.summary.length === 0) {
            app.logger.warn(`${member.getFriendlyFullName()} (${ReflectionKind.singularString(member.kind)}) has no documentation comment`);
          }
        }
      }
    }
  });
}
